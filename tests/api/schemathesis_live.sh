#!/usr/bin/env bash
# A schemathesis run of every operation against gunicorn with production settings on
# PostgreSQL + Redis, every check on (`--checks all`). Run from the repository root with the
# services up: EXAMPLES=100 tests/api/schemathesis_live.sh. It makes its own database afresh
# (wellness_st) and uses Redis db 12; reports land in var/schemathesis/.
set -euo pipefail
mkdir -p var/schemathesis
DB=wellness_st
PORT=8799
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" >/dev/null
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
export DEBUG=false SECRET_KEY="st-dummy-key-for-a-fuzz-run-only-not-secret-0123456789abcdef" \
  ALLOWED_HOSTS=127.0.0.1 SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https \
  PUBLISHER_FUNDING="A dummy statement." CONTENT_CONTACT_EMAIL=content@wellness.example.org \
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/$DB REDIS_URL=redis://127.0.0.1:6379/12 \
  STATIC_ROOT=var/schemathesis/static API_RATE_RECOMMENDATIONS=1000000/minute API_RATE_WRITES=1000000/minute \
  API_RATE_TOKEN=1000000/minute LOG_LEVEL=ERROR
redis-cli -n 12 flushdb >/dev/null
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_catalogue >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v0
TOKEN=$(.venv/bin/python manage.py shell -c "
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice
from wellness.models import ApiToken
u = User.objects.create_superuser('fuzz', 'fuzz@example.org', 'a long fuzz password 123')
d = TOTPDevice.objects.create(user=u, name='fuzz', confirmed=True)
_, key = ApiToken.objects.create(user=u, verified_device=d)
print(key)" 2>/dev/null | tail -1 | tr -d "[:space:]")
.venv/bin/gunicorn wellness.wsgi -b 127.0.0.1:$PORT -w 2 --timeout 60 --log-level warning > var/schemathesis/gunicorn.log 2>&1 &
GPID=$!
trap 'kill $GPID' EXIT
sleep 4
.venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/v1/schema/?format=json" \
  --checks all --max-examples "${EXAMPLES:-40}" --seed 20261204 --workers 2 \
  -H "Authorization: Token $TOKEN" -H "X-Forwarded-Proto: https" \
  --report junit --report-junit-path var/schemathesis/junit.xml "$@" 2>&1 | tee var/schemathesis/out.txt | tail -80
