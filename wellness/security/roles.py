"""Who must use two-step verification: one rule for the admin, its set-up and API tokens.

Its own module, importing nothing of ours, so the login form (``staff.py``), setting up an app
(``enrolment.py``) and the API's tokens all ask the same question without importing each other.
"""

from __future__ import annotations


def requires_two_factor(user) -> bool:
    """Return whether this staff member must use two-step verification to reach the admin.

    Superusers, and every staff member with any permission beyond reading (docs/architecture.md
    §5): catalogue editors, who change therapies and propose safety changes; evidence curators,
    who publish and retract evidence; whoever may change staff accounts. A stolen password of
    any of them could change what the public is told. A staff member who may only read needs
    no code, unless they have set up an app.
    """
    if user.is_superuser:
        return True
    return any(
        not permission.partition(".")[2].startswith("view_")
        for permission in user.get_all_permissions()
    )
