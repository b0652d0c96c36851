FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Pango (and the fonts it pulls in) for WeasyPrint: signed agreements as PDF.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY manage.py ./
COPY prm prm
COPY partners partners
COPY dealreg dealreg
COPY mdf mdf
COPY surveys surveys
COPY loyalty loyalty
COPY templates templates
COPY locale locale
COPY static static
RUN pip install --no-cache-dir . \
 && PRM_ENV=production SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 prm && chown -R prm /app
USER prm
EXPOSE 8000
CMD ["gunicorn", "prm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
