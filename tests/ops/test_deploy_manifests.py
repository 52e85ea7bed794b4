"""The deployment files in deploy/ agree with each other and with the application.

Every environment variable the Dockerfile, compose and the Kubernetes manifests set must be
one the registry reads (taken from `Settings` at run time) or one of the few read by other
software (allow-listed below, where they may appear); the settings they give must load; the
commands they run must parse with the real CLI; probes, labels, selectors, ports and the
shutdown timings must fit together. No database, no Docker engine and no cluster are needed;
`kubectl kustomize` is run when kubectl is installed.
"""

from __future__ import annotations

import math
import re
import shlex
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.cli import parser as cli_parser
from server.observability import metrics as observability_metrics  # before any env is set
from server.settings import Settings

# Backend-independent (it reads the files in deploy/ and touches no database): .ci/run runs it on
# PostgreSQL only.
pytestmark = pytest.mark.any_backend

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
EXAMPLE_SECRET = "secret.example.yaml"

# Environment variables read by other software than the registry, and where they may be set.
# Everything else the deployment files set must be a name `Settings` reads.
POSTGRES_IMAGE_ENV = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}  # postgres image
DOCKERFILE_OTHER_ENV = {
    "PIP_INDEX_URL",
    "PIP_TRUSTED_HOST",  # pip, build stage only (an intranet mirror)
    "PIP_DISABLE_PIP_VERSION_CHECK",
    "PIP_NO_CACHE_DIR",  # pip, build stage only
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",  # the Python interpreter
    "PATH",  # the shell and exec: the virtualenv's bin/ first
    "PROMETHEUS_MULTIPROC_DIR",  # prometheus-client: the uvicorn workers' shared metrics
}

SECRET_PLACEHOLDER = "s" * 40  # for `${VAR:?…}`: compose refuses to start without VAR
PINNED_TAG = re.compile(r":(\d+(\.\d+){1,2})([-.][\w.-]+)?$")  # 3.11.14-slim-bookworm, 15.14


def app_env_names() -> set[str]:
    """The variables the registry reads: the aliases of its settings (case-insensitive)."""
    names = {(f.alias or name).upper() for name, f in Settings.model_fields.items()}
    assert {"DATABASE_URL", "REGISTRY_JWT_SECRET", "REGISTRY_WORKERS"} <= names
    return names


def load_settings(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """`Settings` as a process with exactly `env` (for the registry's names) would load them."""
    for name in app_env_names():
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def parse_cli(argv: list[str]) -> Any:
    """A container command, parsed by the registry's own argument parser."""
    assert argv[0] == "registry", argv
    return cli_parser().parse_args(argv[1:])


def image_pinned(image: str) -> bool:
    """By digest, or by an exact release: PostgreSQL's are major.minor, Python's and the
    others' major.minor.patch (`python:3.11` would float over patch releases)."""
    name = image.split("@", 1)[0]
    if "@sha256:" in image:
        return True
    tag = PINNED_TAG.search(name)
    if name.endswith(":latest") or not tag:
        return False
    return tag.group(1).count(".") == 2 or name.rsplit("/", 1)[-1].startswith("postgres:")


def test_image_pinned_helper() -> None:
    assert image_pinned("python:3.11.14-slim-bookworm")
    assert image_pinned("postgres:15.14") and image_pinned("redis:7.4.6")
    assert image_pinned("registry.internal:5000/fujian-agency-registry:0.1.0")
    assert not image_pinned("python:latest") and not image_pinned("python")
    assert not image_pinned("python:3-slim") and not image_pinned("registry.internal:5000/x")
    assert not image_pinned("python:3.11-slim") and not image_pinned("redis:7.4")


# --- Dockerfile -------------------------------------------------------------------------------


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [rest for kw, rest in self.instructions if kw == keyword]

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for rest in self.all("ENV"):
            for word in shlex.split(rest):
                name, _, value = word.partition("=")
                values[name] = value
        return values


def dockerfile_instructions(text: str) -> Iterator[tuple[str, str]]:
    logical = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    for line in logical.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            yield keyword.upper(), rest.strip()


def dockerfile() -> tuple[dict[str, str], list[Stage]]:
    """The global build arguments (before the first FROM) and the stages."""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for keyword, rest in dockerfile_instructions(DOCKERFILE.read_text()):
        if keyword == "FROM":
            words = rest.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: global_args[m.group(1)], words[0])
            alias = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image, alias))
        elif not stages:
            assert keyword == "ARG", f"only ARG may precede FROM, not {keyword}"
            name, _, value = rest.partition("=")
            global_args[name] = value
        else:
            stages[-1].instructions.append((keyword, rest))
    return global_args, stages


def exec_form(rest: str) -> list[str]:
    value = yaml.safe_load(rest)  # a JSON array is YAML too
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), rest
    return value


def test_dockerfile_is_multi_stage_from_a_pinned_base() -> None:
    global_args, stages = dockerfile()
    assert len(stages) >= 2, "a build stage and a runtime stage"
    assert all(stage.name for stage in stages), "every stage is named (FROM … AS name)"
    for stage in stages:
        assert image_pinned(stage.image), f"unpinned base image {stage.image!r}"
        assert "latest" not in stage.image
    runtime = stages[-1]
    assert {stage.image for stage in stages} == {runtime.image}, "one base for every stage"
    built = {stage.name for stage in stages[:-1]}
    copied_from = {
        m.group(1) for rest in runtime.all("COPY") for m in [re.match(r"--from=(\S+)", rest)] if m
    }
    assert copied_from and copied_from <= built, "the runtime copies from the build stage"
    # The base's Python satisfies the project's requires-python.
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = tuple(int(p) for p in re.search(r">=\s*(\d+)\.(\d+)", requires).groups())  # type: ignore[union-attr]
    version = re.search(r"python:(\d+)\.(\d+)", runtime.image)
    assert version, runtime.image
    assert tuple(int(p) for p in version.groups()) >= minimum
    assert set(global_args) <= {"BASE_IMAGE"}


def test_dockerfile_runtime_stage_is_non_root_without_compilers() -> None:
    _, stages = dockerfile()
    runtime = stages[-1]
    users = runtime.all("USER")
    assert users, "the runtime stage sets USER"
    uid = users[-1].split(":")[0]
    assert uid.isdigit() and int(uid) != 0, f"USER must be a numeric non-root uid: {users[-1]}"
    # The user is created with that uid.
    assert any(f"--uid {uid}" in rest for rest in runtime.all("RUN")), "useradd --uid <USER>"
    compilers = re.compile(r"\b(gcc|g\+\+|cc|clang|build-essential|make|python3-dev)\b")
    for rest in runtime.all("RUN"):
        assert not compilers.search(rest), f"compiler in the runtime image: {rest}"
        assert "pip install" not in rest, "the runtime stage installs nothing: it copies the venv"


def test_dockerfile_serves_on_8000_with_a_healthcheck(monkeypatch: pytest.MonkeyPatch) -> None:
    _, stages = dockerfile()
    runtime = stages[-1]
    assert runtime.all("EXPOSE") == ["8000"]
    cmd = exec_form(runtime.all("CMD")[-1])
    args = parse_cli(cmd)
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", 8000)
    healthchecks = runtime.all("HEALTHCHECK")
    assert len(healthchecks) == 1
    check = healthchecks[0]
    assert "CMD" in check and "http://127.0.0.1:8000/healthz" in check
    assert "curl" not in check and "wget" not in check, "the slim image has neither"
    env = runtime.env()
    assert env["REGISTRY_ENV"] == "production" and env["REGISTRY_WORKERS"] == "0"
    assert env["PATH"].startswith("/opt/registry/bin:")
    # Writable where the root filesystem is read-only (deployment.yaml mounts /tmp).
    assert env["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")
    settings = load_settings(
        {
            **{k: v for k, v in env.items() if k in app_env_names()},
            "REGISTRY_JWT_SECRET": SECRET_PLACEHOLDER,
        },
        monkeypatch,
    )
    assert settings.production and settings.workers == 0 and settings.worker_count >= 1


def test_dockerfile_environment_names_are_read() -> None:
    _, stages = dockerfile()
    known = app_env_names() | DOCKERFILE_OTHER_ENV
    for stage in stages:
        names = set(stage.env()) | {rest.partition("=")[0] for rest in stage.all("ARG")}
        assert names <= known, f"stage {stage.name}: nothing reads {sorted(names - known)}"
    runtime_env = set(stages[-1].env())
    assert not {n for n in runtime_env if n.startswith("PIP_")}, "pip settings stay in build"


def test_dockerfile_copies_every_package_and_the_ignore_file_keeps_them() -> None:
    _, stages = dockerfile()
    build = stages[0]
    sources = set()
    for rest in build.all("COPY"):
        words = [w for w in rest.split() if not w.startswith("--")]
        sources |= set(words[:-1])
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = {pattern.rstrip("*") for pattern in setuptools["packages"]["find"]["include"]}
    assert packages <= sources, f"packages not copied into the image: {packages - sources}"
    assert "pyproject.toml" in sources and "README.md" in sources  # README: package metadata
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert ignore[[i for i, line in enumerate(ignore) if not line.startswith("#")][0]] == "*"
    reincluded = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert sources <= reincluded, f"excluded from the build context: {sources - reincluded}"


def locked(lock: Path) -> dict[str, str]:
    """name -> pinned version of every requirement in a lock file (requirements/compile)."""
    pins: dict[str, str] = {}
    entries = re.findall(
        r"^([A-Za-z0-9][\w.-]*)==([^\s;\\]+)[^\n]*\\\n((?:\s+--hash=\S+.*\n?)+)",
        lock.read_text(),
        re.MULTILINE,
    )
    for name, version, hashes in entries:
        assert "--hash=sha256:" in hashes, f"{lock.name}: {name} has no hash"
        pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_dockerfile_installs_the_locked_dependencies_then_the_package_alone() -> None:
    """The image's dependencies are requirements/runtime.txt, hash-checked, and the package is
    installed after them without resolving anything (the versions CI tested, no others)."""
    _, stages = dockerfile()
    build = stages[0]
    installs = [rest for rest in build.all("RUN") if "pip install" in rest]
    assert len(installs) == 2, installs
    dependencies, package = installs
    assert re.search(
        r"pip install --require-hashes --no-deps -r requirements/runtime\.txt\b", dependencies
    ), dependencies
    assert any(rest.split()[0] == "requirements/runtime.txt" for rest in build.all("COPY"))
    command = re.search(r"pip install ([^&;]*)", package).group(1).split()  # type: ignore[union-attr]
    assert command[-1] == "." and {"--no-deps", "--no-build-isolation", "--no-index"} <= set(
        command
    ), f"the package is installed alone, from the source tree: {package}"
    # The lock is in the build context (the ignore file keeps it) and is the runtime half of
    # CI's lock: every pin the image gets is the one CI ran with.
    runtime, ci = locked(ROOT / "requirements/runtime.txt"), locked(ROOT / "requirements/ci.txt")
    assert {"strawberry-graphql", "tortoise-orm", "pycasbin", "uvicorn", "setuptools"} <= set(
        runtime
    )
    assert not {"pytest", "hypothesis", "mypy", "ruff"} & set(runtime), "test tools in the image"
    assert {name: ci.get(name) for name in runtime} == runtime, "runtime.txt disagrees with ci.txt"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name = re.sub(r"[-_.]+", "-", re.match(r"[\w.-]+", requirement).group(0)).lower()  # type: ignore[union-attr]
        assert name in runtime, f"{name} (pyproject.toml) is not in requirements/runtime.txt"


# --- compose ----------------------------------------------------------------------------------

INTERPOLATION = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def interpolate(value: Any) -> str:
    """Compose's `${VAR:-default}` / `${VAR:?error}` with VAR unset (placeholder for `?`)."""

    def one(m: re.Match[str]) -> str:
        if m.group(2) == "-":
            return m.group(3)
        assert m.group(2) == "?", f"${{{m.group(1)}}} without a default or a required marker"
        return "pw" if "PASSWORD" in m.group(1) else SECRET_PLACEHOLDER

    return INTERPOLATION.sub(one, str(value))


def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(document, dict)
    return document


def registry_services(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: service for name, service in document["services"].items() if "build" in service}


def test_compose_services_and_dependencies() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "migrate", "app"} <= set(services)
    postgres, redis = services["postgres"], services["redis"]
    assert re.fullmatch(r"postgres:15\.\d+", postgres["image"]), postgres["image"]
    assert re.fullmatch(r"redis:7\.\d+\.\d+", redis["image"]), redis["image"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert any(v.endswith(":/var/lib/postgresql/data") for v in postgres["volumes"])
    assert postgres["volumes"][0].split(":")[0] in compose()["volumes"]
    assert redis["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]

    migrate = services["migrate"]
    assert parse_cli(migrate["command"]).command == "migrate"
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"

    app = services["app"]
    assert app["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert "http://127.0.0.1:8000/readyz" in " ".join(app["healthcheck"]["test"])
    assert [interpolate(p).split(":")[-1] for p in app["ports"]] == ["8000"]
    seed = services["seed"]
    assert seed["profiles"] == ["seed"], "demo data only when asked for"
    seed_args = parse_cli(seed["command"])
    assert seed_args.command == "seed" and seed_args.demo
    assert seed["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_builds_and_pins_the_registry_image() -> None:
    document = compose()
    global_args, _ = dockerfile()
    for name, service in registry_services(document).items():
        build = service["build"]
        # Compose passes the Dockerfile's own base unless told otherwise.
        assert interpolate(build["args"]["BASE_IMAGE"]) == global_args["BASE_IMAGE"]
        assert set(build["args"]) <= set(global_args) | DOCKERFILE_OTHER_ENV
        context = (COMPOSE.parent / build["context"]).resolve()
        assert context == ROOT, f"{name}: the build context is the repository root"
        assert (context / build["dockerfile"]).resolve() == DOCKERFILE
        assert image_pinned(interpolate(service["image"])), service["image"]
    assert {"migrate", "app", "seed"} <= set(registry_services(document))
    for name, service in document["services"].items():
        assert image_pinned(interpolate(service["image"])), f"{name}: {service['image']}"


def test_compose_environment_is_read_and_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    document = compose()
    services = document["services"]
    known = app_env_names()
    assert set(services["postgres"]["environment"]) <= POSTGRES_IMAGE_ENV
    assert "environment" not in services["redis"]
    for name, service in registry_services(document).items():
        env = {k: interpolate(v) for k, v in service["environment"].items()}
        assert set(env) <= known, f"{name}: nothing reads {sorted(set(env) - known)}"
        raw = service["environment"]
        # Compose refuses to start without the secrets instead of running without them.
        assert re.fullmatch(r"\$\{REGISTRY_JWT_SECRET:\?[^}]+\}", raw["REGISTRY_JWT_SECRET"])
        assert "${POSTGRES_PASSWORD:?" in raw["DATABASE_URL"]
        settings = load_settings(env, monkeypatch)
        assert settings.production and not settings.embedded, name
        # The database and Redis are the compose services, with the postgres image's names.
        pg = services["postgres"]["environment"]
        assert re.fullmatch(
            rf"postgres://{pg['POSTGRES_USER']}:pw@postgres:5432/{pg['POSTGRES_DB']}",
            settings.db_url,
        ), settings.db_url
        assert settings.redis_url and settings.redis_url.startswith("redis://redis:6379/")
    app = services["app"]
    settings = load_settings(
        {k: interpolate(v) for k, v in app["environment"].items()}, monkeypatch
    )
    grace = int(str(app["stop_grace_period"]).rstrip("s"))
    assert grace > settings.graceful_shutdown_seconds, "compose kills before uvicorn is done"


def test_compose_variables_are_documented_in_env_example() -> None:
    text = COMPOSE.read_text()
    used = {m.group(1) for m in INTERPOLATION.finditer(text)}
    required = {m.group(1) for m in INTERPOLATION.finditer(text) if m.group(2) == "?"}
    assert required == {"REGISTRY_JWT_SECRET", "POSTGRES_PASSWORD"}
    example = (DEPLOY / "env.example").read_text()
    documented = set(re.findall(r"^#? ?(\w+)=", example, re.MULTILINE))
    assert used <= documented, f"not in deploy/env.example: {sorted(used - documented)}"
    set_ = set(re.findall(r"^(\w+)=", example, re.MULTILINE))
    assert required <= set_, "the required ones are uncommented lines to fill in"


# --- Kubernetes -------------------------------------------------------------------------------


def k8s_documents(directory: Path = K8S) -> dict[str, list[dict[str, Any]]]:
    """Every manifest in deploy/k8s by file name (multi-document aware)."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    result = {}
    for path in files:
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
        assert docs, f"{path.name} is empty"
        result[path.name] = docs
    return result


def of_kind(kind: str, include_example: bool = False) -> list[dict[str, Any]]:
    return [
        doc
        for name, docs in k8s_documents().items()
        for doc in docs
        if doc["kind"] == kind and (include_example or name != EXAMPLE_SECRET)
    ]


def one(kind: str) -> dict[str, Any]:
    found = of_kind(kind)
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def cpu(quantity: str) -> float:
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def test_kustomization_lists_every_manifest_but_the_example_secret() -> None:
    documents = k8s_documents()
    kustomization = documents.pop("kustomization.yaml")[0]
    assert kustomization["kind"] == "Kustomization"
    listed = kustomization["resources"]
    assert len(listed) == len(set(listed))
    assert EXAMPLE_SECRET not in listed
    assert set(listed) == set(documents) - {EXAMPLE_SECRET}
    assert not of_kind("Secret"), "no real Secret is shipped: the operator creates it"
    assert [d["kind"] for d in documents[EXAMPLE_SECRET]] == ["Secret"]
    for docs in documents.values():
        for doc in docs:
            assert "namespace" not in doc["metadata"], "namespace-agnostic manifests"
    for image in kustomization["images"]:
        assert image["newTag"] != "latest" and image_pinned(f"x:{image['newTag']}")


def test_deployment_probes_resources_and_security() -> None:
    deployment = one("Deployment")
    spec = pod_spec(deployment)
    (container,) = spec["containers"]
    assert image_pinned(container["image"])
    args = parse_cli(container["command"])
    assert args.command == "serve" and args.host == "0.0.0.0"
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": args.port}

    def probe(kind: str) -> tuple[str, int]:
        get = container[kind]["httpGet"]
        port = get["port"]
        return get["path"], ports.get(port, port)

    assert probe("readinessProbe") == ("/readyz", 8000)
    assert probe("livenessProbe") == ("/healthz", 8000)
    assert probe("startupProbe")[0] == "/healthz"
    resources = container["resources"]
    for bound in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(resources[bound]), bound
    assert cpu(resources["requests"]["cpu"]) <= cpu(resources["limits"]["cpu"])

    pod_security, security = spec["securityContext"], container["securityContext"]
    assert pod_security["runAsNonRoot"] is True and pod_security["runAsUser"] != 0
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"]["drop"] == ["ALL"]
    # A read-only root needs a writable /tmp.
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]
    _, stages = dockerfile()
    assert str(pod_security["runAsUser"]) == stages[-1].all("USER")[-1].split(":")[0]

    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    assert int(annotations["prometheus.io/port"]) == args.port


def test_deployment_replicas_follow_the_autoscaler_and_pdb() -> None:
    deployment, hpa, pdb = (
        one("Deployment"),
        one("HorizontalPodAutoscaler"),
        one("PodDisruptionBudget"),
    )
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert target["apiVersion"] == deployment["apiVersion"]
    # Two replicas from the first apply, and the HPA never goes below two.
    minimum = deployment["spec"]["replicas"]
    assert minimum >= 2 and hpa["spec"]["minReplicas"] >= minimum
    assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"
    # A drain can always evict one pod, and one always stays.
    assert 1 <= pdb["spec"]["minAvailable"] < minimum
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert matches(pdb["spec"]["selector"]["matchLabels"], labels)
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    strategy = deployment["spec"]["strategy"]["rollingUpdate"]
    assert strategy["maxUnavailable"] == 0


def test_service_selects_the_pods_on_their_port() -> None:
    service, deployment = one("Service"), one("Deployment")
    assert service["spec"].get("type", "ClusterIP") == "ClusterIP"
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert matches(service["spec"]["selector"], labels)
    (port,) = service["spec"]["ports"]
    (container,) = pod_spec(deployment)["containers"]
    names = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert port["port"] == 80 and names.get(port["targetPort"], port["targetPort"]) == 8000


def test_worker_count_follows_the_cpu_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    deployment = one("Deployment")
    (container,) = pod_spec(deployment)["containers"]
    env = {e["name"]: e for e in container["env"]}
    source = env["REGISTRY_WORKERS"]["valueFrom"]["resourceFieldRef"]
    assert source["resource"] == "limits.cpu" and str(source["divisor"]) == "1"
    assert source.get("containerName", container["name"]) == container["name"]
    workers = math.ceil(cpu(container["resources"]["limits"]["cpu"]))  # the kubelet rounds up
    settings = load_settings(
        {**container_env(container), "REGISTRY_WORKERS": str(workers)}, monkeypatch
    )
    assert settings.worker_count == workers >= 1


def test_shutdown_fits_in_the_grace_period(monkeypatch: pytest.MonkeyPatch) -> None:
    deployment = one("Deployment")
    spec = pod_spec(deployment)
    (container,) = spec["containers"]
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] in ("sleep", "/bin/sleep") and len(pre_stop) == 2
    settings = load_settings(container_env(container), monkeypatch)
    budget = int(pre_stop[1]) + settings.graceful_shutdown_seconds
    assert int(pre_stop[1]) >= 1
    assert spec["terminationGracePeriodSeconds"] > budget, (
        "Kubernetes kills the pod before the in-flight requests are allowed to finish"
    )


def secret_example() -> dict[str, Any]:
    (secret,) = of_kind("Secret", include_example=True)
    return secret


def container_env(container: dict[str, Any]) -> dict[str, str]:
    """The environment a container gets: its ConfigMaps, then `env` (secrets from the example
    Secret, the CPU limit for resourceFieldRef)."""
    values: dict[str, str] = {}
    config_maps = {c["metadata"]["name"]: c for c in of_kind("ConfigMap")}
    for source in container.get("envFrom", []):
        values.update(
            {k: str(v) for k, v in config_maps[source["configMapRef"]["name"]]["data"].items()}
        )
    secret = secret_example()
    for entry in container.get("env", []):
        if "value" in entry:
            values[entry["name"]] = str(entry["value"])
            continue
        value_from = entry["valueFrom"]
        if "secretKeyRef" in value_from:
            ref = value_from["secretKeyRef"]
            assert ref["name"] == secret["metadata"]["name"]
            values[entry["name"]] = secret["stringData"][ref["key"]]
        elif "resourceFieldRef" in value_from:
            limit = container["resources"]["limits"]["cpu"]
            values[entry["name"]] = str(math.ceil(cpu(limit)))
        else:
            raise AssertionError(f"unexpected valueFrom {value_from}")
    return values


def workload_containers() -> Iterator[tuple[str, dict[str, Any]]]:
    for kind in ("Deployment", "Job"):
        for workload in of_kind(kind):
            for container in pod_spec(workload)["containers"]:
                yield f"{kind}/{workload['metadata']['name']}", container


def test_k8s_environment_is_read_and_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    known = app_env_names()
    (config_map,) = of_kind("ConfigMap")
    assert set(config_map["data"]) <= known, sorted(set(config_map["data"]) - known)
    assert set(secret_example()["stringData"]) <= known
    for where, container in workload_containers():
        names = {e["name"] for e in container.get("env", [])}
        assert names <= known, f"{where}: nothing reads {sorted(names - known)}"
        env = container_env(container)
        # Production refuses to start (even `registry migrate`) without these.
        assert {"DATABASE_URL", "REGISTRY_JWT_SECRET"} <= names, where
        settings = load_settings(env, monkeypatch)
        assert settings.production and not settings.embedded, where
        assert settings.logs_as_json, where


def test_migration_job() -> None:
    job, deployment, service, pdb = (
        one("Job"),
        one("Deployment"),
        one("Service"),
        one("PodDisruptionBudget"),
    )
    spec = pod_spec(job)
    (container,) = spec["containers"]
    assert parse_cli(container["command"]).command == "migrate"
    (app_container,) = pod_spec(deployment)["containers"]
    assert container["image"] == app_container["image"], "migrate with the release it serves"
    assert job["spec"]["backoffLimit"] >= 1 and job["spec"]["ttlSecondsAfterFinished"] > 0
    assert spec["restartPolicy"] in ("Never", "OnFailure")
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert {"requests", "limits"} <= set(container["resources"])
    labels = job["spec"]["template"]["metadata"]["labels"]
    # The migration pod is never sent traffic nor counted as a serving replica.
    assert not matches(service["spec"]["selector"], labels)
    assert not matches(pdb["spec"]["selector"]["matchLabels"], labels)
    assert not matches(deployment["spec"]["selector"]["matchLabels"], labels)


def test_kustomize_renders() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    done = subprocess.run(
        [kubectl, "kustomize", str(K8S)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    rendered = [d for d in yaml.safe_load_all(done.stdout) if d]
    kinds = sorted(d["kind"] for d in rendered)
    assert kinds == sorted(
        [
            "ConfigMap",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "HorizontalPodAutoscaler",
            "Job",
        ]
    )
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    (image,) = kustomization["images"]
    expected = f"{image['newName']}:{image['newTag']}"
    images = [
        c["image"]
        for d in rendered
        if d["kind"] in ("Deployment", "Job")
        for c in d["spec"]["template"]["spec"]["containers"]
    ]
    assert images and set(images) == {expected}


# --- registry serve: what the image's CMD hands to uvicorn ------------------------------------


def serve_with(
    argv: list[str],
    env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> dict[str, Any]:
    import uvicorn

    from server import cli

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    settings = load_settings(env, monkeypatch)
    args = cli.parser().parse_args(argv)
    args.run(args, settings)
    (call,) = calls
    return call


def test_serve_takes_its_settings_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"a previous run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    env = {
        "DATABASE_URL": "postgres://registry:pw@postgres:5432/registry",
        "REGISTRY_ENV": "production",
        "REGISTRY_JWT_SECRET": SECRET_PLACEHOLDER,
        "REGISTRY_WORKERS": "3",
        "REGISTRY_FORWARDED_ALLOW_IPS": "10.244.0.0/16",
        "REGISTRY_GRACEFUL_SHUTDOWN_SECONDS": "17",
        "REGISTRY_LOG_LEVEL": "warning",
    }
    call = serve_with(["serve", "--host", "0.0.0.0", "--port", "8000"], env, monkeypatch)
    assert call["app"] == "server.asgi:app"
    assert (call["host"], call["port"], call["workers"]) == ("0.0.0.0", 8000, 3)
    assert call["proxy_headers"] is True and call["forwarded_allow_ips"] == "10.244.0.0/16"
    assert call["timeout_graceful_shutdown"] == 17 and call["log_level"] == "warning"
    assert list(metrics_dir.iterdir()) == [], "the previous run's samples are removed"
    assert not observability_metrics.multiprocess(), "this test process's metrics unchanged"

    assert serve_with(["serve", "--workers", "2"], env, monkeypatch)["workers"] == 2
    per_cpu = serve_with(["serve", "--workers", "0"], env, monkeypatch)["workers"]
    assert per_cpu == load_settings({**env, "REGISTRY_WORKERS": "0"}, monkeypatch).worker_count
    assert per_cpu >= 1
    # The embedded SQLite demo migrates and seeds in each worker: one worker only.
    demo = {"REGISTRY_WORKERS": "4"}
    assert serve_with(["serve"], demo, monkeypatch)["workers"] == 1
    with pytest.raises(SystemExit):
        cli_parser().parse_args(["serve", "--workers", "-1"])
