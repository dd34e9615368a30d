# The project image: front end (web chat and Slack), action server, and the
# `iep-assistant` command line (migrations), Python 3.11. One image, three commands:
#   python -m bot               the front end, port 8000 (WEB_HOST=0.0.0.0)
#   python -m actions.server    the action server, port 5055 (ACTION_HOST=0.0.0.0)
#   iep-assistant db upgrade    migrate the records database, then exit
#
#   docker build -f deploy/Dockerfile.app -t iep-assistant-app:latest .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The pinned versions of locks/project.txt, without the development extras. An
# editable install keeps the project folder (knowledge/, migrations) where the
# code expects it.
COPY pyproject.toml README.md ./
COPY locks/project.txt locks/project.txt
COPY iep_assistant/ iep_assistant/
COPY bot/ bot/
COPY actions/ actions/
COPY knowledge/ knowledge/
RUN pip install -c locks/project.txt -e . \
 && useradd --uid 10001 --home-dir /app --no-create-home iep

USER 10001
EXPOSE 8000 5055
CMD ["python", "-m", "bot"]
