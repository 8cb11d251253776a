"""Application settings, read once from the environment (and `.env`)."""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-insecure-change-me"
# Environments that may run with the public default signing key; any other value is treated as production.
DEV_ENVS = ("dev", "test")


class Settings(BaseSettings):
    """Every knob of the service; the README's configuration table lists them all."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Runtime
    env: str = Field("dev", alias="SANGDAM_ENV")
    database_url: str = Field("postgresql+asyncpg://sangdam:sangdam@127.0.0.1:54329/sangdam",
                              alias="DATABASE_URL")
    redis_url: str = Field("redis://127.0.0.1:63799/0", alias="REDIS_URL")
    frontend_dist: str = Field("frontend/dist", alias="FRONTEND_DIST")
    cors_origins: str = Field("", alias="CORS_ORIGINS")
    db_pool_size: int = Field(10, alias="DB_POOL_SIZE")
    db_pool_timeout_seconds: float = Field(10.0, alias="DB_POOL_TIMEOUT_SECONDS")
    db_pool_pre_ping: bool = Field(False, alias="DB_POOL_PRE_PING")

    # Auth
    # The default is public: only SANGDAM_ENV=dev|test may start with it (app.core.security.check_secret_key).
    secret_key: str = Field(DEV_SECRET_KEY, alias="SECRET_KEY")
    access_token_minutes: int = Field(15, alias="ACCESS_TOKEN_MINUTES")
    refresh_token_days: int = Field(14, alias="REFRESH_TOKEN_DAYS")
    # A refresh token presented again this soon after its rotation gets the same new pair (two tabs refreshing at
    # once); later, reuse revokes the whole family. 0 = no grace.
    refresh_grace_seconds: int = Field(10, alias="REFRESH_GRACE_SECONDS", ge=0, le=300)
    login_max_attempts: int = Field(10, alias="LOGIN_MAX_ATTEMPTS")
    login_window_seconds: int = Field(300, alias="LOGIN_WINDOW_SECONDS")
    # Failed logins one client address may make per window, whatever the accounts (stops spraying many emails).
    login_max_attempts_per_address: int = Field(20, alias="LOGIN_MAX_ATTEMPTS_PER_ADDRESS", ge=1)
    # Proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDRs); empty = use the peer address.
    forwarded_allow_ips: str = Field("", alias="FORWARDED_ALLOW_IPS")
    # Password hashes computed at once per process; others wait their turn. One argon2 hash already runs its four
    # lanes in parallel: on two cores 1 gave the same logins/s as 2 and half the /healthz p95 (docs/benchmarks.md).
    password_hash_concurrency: int = Field(1, alias="PASSWORD_HASH_CONCURRENCY", ge=1)

    # Models
    openai_api_key: str = Field("", alias="OPENAI_API_KEY")
    openai_base_url: str = Field("", alias="OPENAI_BASE_URL")
    openai_chat_model: str = Field("gpt-4o-mini", alias="OPENAI_CHAT_MODEL")
    openai_embedding_model: str = Field("text-embedding-3-small", alias="OPENAI_EMBEDDING_MODEL")
    ollama_base_url: str = Field("", alias="OLLAMA_BASE_URL")
    ollama_chat_model: str = Field("qwen2.5-7b-instruct-1m", alias="OLLAMA_CHAT_MODEL")
    ollama_num_ctx: int = Field(32768, alias="OLLAMA_NUM_CTX")
    extra_models: str = Field("", alias="EXTRA_MODELS")
    llm_timeout_seconds: float = Field(30.0, alias="LLM_TIMEOUT_SECONDS")
    preload_models: bool = Field(True, alias="PRELOAD_MODELS")

    # Limits
    upload_max_mb: int = Field(20, alias="UPLOAD_MAX_MB", ge=1)
    # What one knowledge file may decode to (a pickle may refer to one string many times; gzip expands).
    import_max_entries: int = Field(20_000, alias="IMPORT_MAX_ENTRIES", ge=1)
    import_max_entry_chars: int = Field(20_000, alias="IMPORT_MAX_ENTRY_CHARS", ge=1)
    import_max_chars: int = Field(10_000_000, alias="IMPORT_MAX_CHARS", ge=1)
    # Answers planned at once per API process (embedding, search, decision: CPU-bound), how many more may wait
    # for a turn, and for how long; past either limit a chat message gets 503 with Retry-After at once.
    chat_plan_concurrency: int = Field(8, alias="CHAT_PLAN_CONCURRENCY", ge=1)
    chat_plan_queue: int = Field(64, alias="CHAT_PLAN_QUEUE", ge=0)
    chat_plan_wait_seconds: float = Field(10.0, alias="CHAT_PLAN_WAIT_SECONDS", gt=0)
    # Per user, across workspaces: chat messages a minute and new conversations an hour (429 past them).
    chat_messages_per_minute: int = Field(20, alias="CHAT_MESSAGES_PER_MINUTE", ge=1)
    chat_sessions_per_hour: int = Field(60, alias="CHAT_SESSIONS_PER_HOUR", ge=1)

    # Jobs
    job_heartbeat_seconds: float = Field(15.0, alias="JOB_HEARTBEAT_SECONDS")
    job_step_seconds: float = Field(60.0, alias="JOB_STEP_SECONDS")

    @property
    def job_stale_seconds(self) -> float:
        """How long a job's heartbeat may be silent before the sweeper takes its worker for dead."""
        return 4 * self.job_heartbeat_seconds


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings."""
    return Settings()
