"""Security controls Django has no setting for, one concern a module (SAFETY.md lists their
tests; the settings that drive them are in ``wellness/settings/security.py``).

- ``headers``: ``Permissions-Policy`` (and two headers Django sets but cannot reach everywhere),
  and the Content-Security-Policy (django-csp) with one narrow exception for the API docs page.
- ``limits``: the client's address, a rate limit per client counted in the shared cache (429
  page with ``Retry-After``), and request bodies past Django's size limits answered with a page.
- ``staff``: the admin site that demands two-step verification from whoever may publish
  evidence, its login form, the staff lock-out page and the purge of expired lock-out records
  (django-axes).
- ``logs``: one JSON object a line, with saved-result links, e-mail addresses and credentials
  blanked out before anything is written.

Import from the module that holds a name; this package re-exports nothing.
"""
