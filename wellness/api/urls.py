"""``/api/v1/``: the public read API, the recommendation endpoint and the staff write API."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from wellness.api.problems import api_not_found
from wellness.api.views.auth import TokensView, TokenView
from wellness.api.views.catalogue import (
    ConditionViewSet,
    CrisisContactViewSet,
    GoalViewSet,
    NextStepViewSet,
    TechniqueViewSet,
    TherapyViewSet,
)
from wellness.api.views.changes import ChangeRequestViewSet
from wellness.api.views.docs import DocsView
from wellness.api.views.evidence import (
    FindingViewSet,
    HarmViewSet,
    SafetyRuleViewSet,
    SourceViewSet,
)
from wellness.api.views.recommendations import RecommendationView

app_name = "api"

router = SimpleRouter()
router.register("therapies", TherapyViewSet, basename="therapy")
router.register("goals", GoalViewSet, basename="goal")
router.register("conditions", ConditionViewSet, basename="condition")
router.register("crisis-contacts", CrisisContactViewSet, basename="crisis-contact")
router.register("sources", SourceViewSet, basename="source")
router.register("findings", FindingViewSet, basename="finding")
router.register("safety-rules", SafetyRuleViewSet, basename="safety-rule")
router.register("harms", HarmViewSet, basename="harm")
router.register("techniques", TechniqueViewSet, basename="technique")
router.register("other-paths", NextStepViewSet, basename="other-path")
router.register("changes", ChangeRequestViewSet, basename="change")

urlpatterns = [
    path("recommendations/", RecommendationView.as_view(), name="recommendations"),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/tokens/", TokensView.as_view(), name="tokens"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    # Last: any other address under /api/v1/ is a problem+json 404, not the site's HTML page.
    re_path(r"", api_not_found, name="not-found"),
]
