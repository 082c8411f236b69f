from django.apps import AppConfig


class WellnessConfig(AppConfig):
    name = "wellness"
    verbose_name = "Wellness"

    def ready(self) -> None:
        from wellness import checks  # noqa: F401  registers the deployment checks
