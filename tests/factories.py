"""factory-boy factories, one per model."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from evidence.models import (
    Certainty,
    Finding,
    Harm,
    LinkCheck,
    SafetyRule,
    Source,
    WarningSign,
)
from evidence.source_jobs import LINK_CHECK_TASK
from outbox.models import JobRequest
from therapies.models import Condition, CrisisContact, Goal, NextStep, Technique, Therapy


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        # The groups hook saves through the m2m manager; a second save of the user is wasted.
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"goal-{n}")
    label = factory.Sequence(lambda n: f"Feel better {n}")
    description = "Help with how you feel."
    position = factory.Sequence(int)


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"condition-{n}")
    question = factory.Sequence(lambda n: f"Do you have condition {n}?")
    help_text = "Answer yes if you are not sure."
    position = factory.Sequence(int)


class TechniqueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Technique
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"technique-{n}")
    name = factory.Sequence(lambda n: f"Technique {n}")
    description = "A gentle way of working."


class TherapyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Therapy
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"therapy-{n}")
    name = factory.Sequence(lambda n: f"Therapy {n}")
    kind = Therapy.Kind.MASSAGE
    summary = "A calm, gentle therapy."
    what_to_expect = "You lie down and the therapist works on your back."
    session_minutes_min = 30
    session_minutes_max = 60
    in_person = True
    pressure = Therapy.Pressure.GENTLE
    published = True
    reviewed_on = datetime.date(2026, 11, 1)
    next_review_on = datetime.date(2027, 11, 1)


class CrisisContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrisisContact

    region = CrisisContact.Region.GB
    name = factory.Sequence(lambda n: f"Helpline {n}")
    phone = "116 123"
    when_to_use = "Any time you need to talk."


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"A trial of therapy {n}")
    authors = "Doe J, Roe R"
    venue = "Journal of Trials"
    year = 2020
    url = factory.Sequence(lambda n: f"https://example.org/source/{n}")
    source_type = Source.Type.RCT
    studies_count = 1
    participants_count = 120
    status = Source.Status.PUBLISHED


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"finding-{n}")
    source = factory.SubFactory(SourceFactory)
    therapy = factory.SubFactory(TherapyFactory)
    therapy_kind = ""
    goal = factory.SubFactory(GoalFactory)
    outcome = "how well people sleep"
    population = "adults"
    comparator = "no treatment"
    direction = Finding.Direction.BENEFIT
    effect_measure = Finding.Measure.PERCENT_INCREASE
    effect_value = Decimal("10.0")
    ci_low = Decimal("2.0")
    ci_high = Decimal("18.0")
    certainty = Certainty.MODERATE


class HarmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Harm
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"harm-{n}")
    therapy = factory.SubFactory(TherapyFactory)
    therapy_kind = ""
    category = Harm.Category.SIDE_EFFECT
    description = "Some soreness after a session."
    source = factory.SubFactory(SourceFactory)


class NextStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NextStep
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"next-step-{n}")
    title = factory.Sequence(lambda n: f"Try step {n}")
    text = "Ask someone who knows about this."
    position = factory.Sequence(int)


class SafetyRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyRule

    condition = factory.SubFactory(ConditionFactory)
    therapy = factory.SubFactory(TherapyFactory)
    effect = SafetyRule.Effect.CAUTION
    message = "Tell your therapist. They should not press on the area."
    source = factory.SubFactory(SourceFactory)


class WarningSignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WarningSign

    slug = factory.Sequence(lambda n: f"warning-sign-{n}")
    condition = factory.SubFactory(ConditionFactory)
    signs = "Chest pain, or finding it very hard to breathe."
    action = "Call 999."
    source = factory.SubFactory(SourceFactory)


class LinkCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LinkCheck

    source = factory.SubFactory(SourceFactory)
    url = factory.LazyAttribute(lambda c: c.source.link or "https://example.org/")
    ok = True
    status_code = 200


class JobRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRequest

    class Params:
        # The source a job is about, kept as its id in the job's arguments.
        source = factory.SubFactory(SourceFactory)

    task = LINK_CHECK_TASK
    args = factory.LazyAttribute(lambda job: {"source": job.source.pk} if job.source else {})
    status = JobRequest.Status.PENDING
