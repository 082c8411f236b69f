from django.apps import AppConfig


class WellnessConfig(AppConfig):
    name = "wellness"
    verbose_name = "Wellness"

    def ready(self) -> None:
        from wellness import checks, signals  # noqa: F401  checks register themselves

        signals.connect()
