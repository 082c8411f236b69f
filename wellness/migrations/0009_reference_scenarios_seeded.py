"""The first reference scenarios, from the clinical personas; and who keeps them.

Each is a made-up person's answers, run with and without a proposed change to safety so the
reviewer sees whom it affects (``wellness.impact``). Curators keep them; editors read them.
"""

import importlib

from django.db import migrations

_third = importlib.import_module(
    "wellness.migrations.0003_staff_groups_techniques_harms_next_steps"
)

ADDED = {
    "Catalogue editors": {"wellness": {"referencescenario": ("view",)}},
    "Evidence curators": {"wellness": {"referencescenario": ("view", "add", "change", "delete")}},
}

# (name, goals, conditions answered yes, preferences, why it matters)
SCENARIOS = [
    ("Stress and poor sleep", ["stress-anxiety", "sleep"], [], {}, "The commonest pair."),
    ("Low mood", ["low-mood"], [], {}, "Talking therapies with evidence."),
    ("Grief", ["grief"], [], {}, "Grief therapy and its limits."),
    ("Low back pain", ["low-back-pain"], [], {}, "Massage with short-term evidence."),
    ("Aches on blood thinners", ["pain-tension"], ["blood-thinners"], {}, "Firm massage bruising."),
    ("Aches in pregnancy", ["pain-tension"], ["pregnancy"], {}, "Prenatal massage only."),
    ("Comfort in pregnancy", ["pregnancy-comfort"], ["pregnancy"], {}, "Made for pregnancy."),
    ("Pregnancy comfort, not pregnant", ["pregnancy-comfort"], [], {}, "Not for others."),
    ("Swelling after cancer treatment", ["swelling"], ["cancer-treatment"], {}, "Lymphoedema."),
    ("Swelling with no known cause", ["swelling"], ["unexplained-swelling"], {}, "See a GP first."),
    ("Swelling with a clot", ["swelling"], ["blood-clots"], {}, "A clot could move."),
    ("Fibromyalgia", ["fibromyalgia"], [], {}, "Massage and talking therapy."),
    ("Fibromyalgia on blood thinners", ["fibromyalgia"], ["blood-thinners"], {}, "Gentle only."),
    ("Pain during cancer treatment", ["cancer-pain"], ["cancer-treatment"], {}, "Ask the team."),
    ("Sports recovery after a fracture", ["sports-recovery"], ["recent-fracture"], {}, "Avoid."),
    ("Sports recovery after surgery", ["sports-recovery"], ["recent-surgery"], {}, "Ask first."),
    ("Poor sleep with heart failure", ["sleep"], ["heart-failure"], {}, "Ask first."),
    ("Stress with heart failure", ["stress-anxiety"], ["heart-failure"], {}, "Ask first."),
    ("Aches with a blood clot", ["pain-tension"], ["blood-clots"], {}, "Never massage a clot."),
    ("Back pain with osteoporosis", ["low-back-pain"], ["osteoporosis"], {}, "No firm pressure."),
    ("Stress with skin wounds", ["stress-anxiety"], ["skin-wounds"], {}, "Avoid the area."),
    ("Constipation in pregnancy", ["constipation"], ["pregnancy"], {}, "No tummy massage."),
    ("Immune function with a fever", ["immune-function"], ["fever-infection"], {}, "Wait."),
    ("Aches with kidney disease", ["pain-tension"], ["kidney-disease"], {}, "Ask first."),
    ("Low mood in crisis", ["low-mood"], ["crisis"], {}, "Urgent help first, nothing else."),
    ("Poor sleep, online only", ["sleep"], [], {"format": "online"}, "A format preference."),
    ("Stress, firm pressure", ["stress-anxiety"], [], {"pressure": "firm"}, "Firm massages."),
    (
        "Aches, gentle, with osteoporosis",
        ["pain-tension"],
        ["osteoporosis"],
        {"pressure": "gentle"},
        "Gentle pressure and a fragile spine.",
    ),
    ("Low mood, prefers touch", ["low-mood"], [], {"approach": "touch"}, "Values never lift."),
    ("Stress, wants it free", ["stress-anxiety"], [], {"cost": "free"}, "Cost as a tie-break."),
    ("Poor sleep, sessions only", ["sleep"], [], {"time": "sessions"}, "Time as a tie-break."),
    ("Grief and low mood, in a group", ["grief", "low-mood"], [], {"format": "group"}, "Groups."),
    (
        "Aches on blood thinners, pregnant",
        ["pain-tension"],
        ["blood-thinners", "pregnancy"],
        {},
        "Two safety rules at once.",
    ),
    ("Back pain after surgery", ["low-back-pain"], ["recent-surgery"], {}, "Ask first."),
]


def add_scenarios(apps, schema_editor):
    Scenario = apps.get_model("wellness", "ReferenceScenario")
    db = schema_editor.connection.alias
    for position, (name, goals, conditions, preferences, note) in enumerate(SCENARIOS):
        Scenario.objects.using(db).get_or_create(
            name=name,
            defaults={
                "goals": goals,
                "conditions": conditions,
                "preferences": preferences,
                "note": note,
                "position": position,
            },
        )


def remove_scenarios(apps, schema_editor):
    Scenario = apps.get_model("wellness", "ReferenceScenario")
    names = [name for name, *_ in SCENARIOS]
    Scenario.objects.using(schema_editor.connection.alias).filter(name__in=names).delete()


def _wellness_permissions(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("wellness")
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True
    try:
        create_permissions(app_config, verbosity=0, using=schema_editor.connection.alias, apps=apps)
    finally:
        app_config.models_module = models_module


def add_permissions(apps, schema_editor):
    _wellness_permissions(apps, schema_editor)
    earlier, _third.ADDED = _third.ADDED, ADDED
    try:
        _third.add_permissions(apps, schema_editor)
    finally:
        _third.ADDED = earlier


def remove_permissions(apps, schema_editor):
    earlier, _third.ADDED = _third.ADDED, ADDED
    try:
        _third.remove_permissions(apps, schema_editor)
    finally:
        _third.ADDED = earlier


class Migration(migrations.Migration):
    dependencies = [("wellness", "0008_reference_scenarios")]

    operations = [
        migrations.RunPython(add_scenarios, remove_scenarios),
        migrations.RunPython(add_permissions, remove_permissions),
    ]
