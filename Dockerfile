# GOV.UK Frontend built into static files (frontend/build.sh), as scripts/lib.sh does locally.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY frontend ./frontend
RUN sh frontend/build.sh

# The one image for every process: web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_STATE_DIR=/var/lib/peerchallenge

WORKDIR /app
# Dependencies first, so a code change does not reinstall them: install the project from empty
# package stubs, then remove it again. The code runs from /app, like a checkout.
COPY pyproject.toml ./
RUN mkdir -p peerchallenge workflow notifications surveys \
    && touch peerchallenge/__init__.py workflow/__init__.py notifications/__init__.py surveys/__init__.py \
    && pip install . \
    && pip uninstall -y peerchallenge \
    && rm -rf build peerchallenge.egg-info
COPY . .
COPY --from=frontend /app/peerchallenge/static/vendor peerchallenge/static/vendor
RUN useradd --system --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p "$APP_STATE_DIR" \
    && DJANGO_DEBUG=false SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
       python manage.py collectstatic --no-input \
    && chown -R app:app "$APP_STATE_DIR"

USER app
EXPOSE 8000
CMD ["gunicorn", "peerchallenge.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
