# The production-like image: web (gunicorn), worker and beat all run from it. See docker-compose.yml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=xinfang.settings.production
WORKDIR /app
# Pango and a Chinese font for WeasyPrint (the printable backlog dossier as PDF).
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
# The locked versions first (requirements/, made by `make lock`), so a code change does not reinstall them. The
# runtime lock by default; docker-compose.yml builds with the demo lock, whose Faker seed_demo needs.
ARG REQUIREMENTS=requirements/runtime.txt
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r "$REQUIREMENTS"
COPY . .
RUN pip install --no-cache-dir --no-deps . && \
    SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-000000 python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "xinfang.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
