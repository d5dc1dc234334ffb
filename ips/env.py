"""Every setting that comes from the environment is read here, once."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local ``.env`` file is a convenience for development; real deployments set variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG: bool = env.bool("DEBUG", default=False)
SECRET_KEY: str | None = env.str("SECRET_KEY", default=None)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
DATABASE_URL: str = env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
REDIS_URL: str | None = env.str("REDIS_URL", default=None)
EMAIL_URL: str = env.str("EMAIL_URL", default="consolemail://")
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="ips-case-manager@localhost")
MEDIA_ROOT: str = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STATIC_ROOT: str = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
SECURE_SSL: bool = env.bool("SECURE_SSL", default=not DEBUG)
CONN_MAX_AGE: int = env.int("CONN_MAX_AGE", default=60)
DEMO_PASSWORD: str | None = env.str("DEMO_PASSWORD", default=None)
LOG_LEVEL: str = env.str("LOG_LEVEL", default="INFO")
