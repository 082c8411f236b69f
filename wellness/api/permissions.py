"""Who may do what through the API: the same model permissions the admin uses
(docs/architecture.md §5).

Reading published data and asking for a recommendation need no account. Everything else needs
the model permission for the action, reading included, and is denied when nothing says otherwise.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """Django model permissions for every method, ``view`` included (the API's default).

    A view with no model to take permissions from is closed to everyone until it says otherwise.
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return False
        return super().has_permission(request, view)


class PublicReadModelWrite(ModelPermissions):
    """Anyone may read (the view shows them only published data); writing needs the permission."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)


class SourceReviewPermission(BasePermission):
    """Each step of the review workflow needs its own permission; only curators publish."""

    codenames = {
        "submit": "evidence.change_source",
        "return_to_draft": "evidence.change_source",
        "import_citation": "evidence.change_source",
        "check_link": "evidence.change_source",
        "publish": "evidence.publish_source",
        "retract": "evidence.retract_source",
    }

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        codename = self.codenames.get(getattr(view, "action", None) or "")
        return bool(codename) and user.has_perm(codename)
