"""The job outbox: durable requests for background work, written with the change that asks.

Any app may ask for a job by its Celery task name and keyword arguments; the outbox knows
nothing of the apps above it (docs/architecture.md §2, §6).
"""
