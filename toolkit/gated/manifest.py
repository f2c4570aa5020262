"""gated/manifest.json: the one place that writes, reads and validates it.

The build writes it, `folio publish` uploads what it names, `folio presign` and the
gate sign links for what it names. Nothing else parses the JSON: everyone goes
through `Manifest`. The format is documented in gated/README.md (schema 4).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from toolkit.errors import FolioError

SCHEMA = 4
# Schema 2 differs only in storing downloads whole (no `pack`), schema 3 only in having no
# site pages (no `site-page` / `locked-part` objects): this reader understands both, so a bucket
# published by an earlier release keeps serving until the next publish.
READABLE_SCHEMAS = (2, 3, 4)
MANIFEST_NAME = "manifest.json"
# page: the standalone reading page; site-page: the same page as a full page of the site (its
# theme, navigation and header); locked-part: that page's locked part alone, an HTML fragment the
# gate hands to the site's unlock script. The three carry `assets` (what the gate signs in them).
ROLES = ("page", "bundle", "epub", "site-page", "locked-part", "asset")
PAGE_ROLES = ("page", "site-page", "locked-part")
DOWNLOADS = ("bundle", "epub")
KINDS = ("course", "membership")
LANGUAGES = ("en", "zh")
# Who wrote gated/: only a production build (`folio build`, `mkdocs build`) may be published.
BUILDS = ("production", "preview")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class ManifestError(FolioError):
    """manifest.json is missing, corrupt, of an unknown schema, or names an unsafe key."""


@dataclass(frozen=True)
class Price:
    plan: str
    amount: int
    currency: str
    display: str

    def to_dict(self) -> dict:
        return {"plan": self.plan, "amount": self.amount, "currency": self.currency, "display": self.display}


@dataclass(frozen=True)
class AssetRef:
    """An asset a page uses: `ref` is the exact attribute value in the page HTML."""

    key: str
    ref: str


@dataclass(frozen=True)
class ObjectRef:
    """A file of gated/ by key, with the sha256 and size the build gave it: a download's pack
    list (see toolkit.gated.pack), or an asset that a pack list names."""

    key: str
    sha256: str
    size: int


@dataclass(frozen=True)
class StoredObject:
    """One object in the bucket (under the prefix), and the file of gated/ it comes from.

    A page or asset is its own file in gated/. A download (zip, EPUB) is not stored whole:
    `pack` names its pack list, `folio publish` assembles it, and its own sha256 and size
    are known only then (empty and 0 here).
    """

    key: str
    sha256: str
    size: int
    content_type: str
    role: str
    source: str = ""
    title: str = ""
    assets: tuple[AssetRef, ...] = ()
    pack: ObjectRef | None = None

    @property
    def local_key(self) -> str:
        """The file of gated/ this object is made from: itself, or its pack list."""
        return self.pack.key if self.pack else self.key

    def to_dict(self) -> dict:
        data = {"key": self.key}
        if self.pack:
            data["pack"] = {"key": self.pack.key, "sha256": self.pack.sha256, "size": self.pack.size}
        else:
            data |= {"sha256": self.sha256, "size": self.size}
        data |= {"content_type": self.content_type, "role": self.role, "source": self.source, "title": self.title}
        if self.role in PAGE_ROLES:
            data["assets"] = [{"key": a.key, "ref": a.ref} for a in self.assets]
        return data


@dataclass
class Product:
    id: str
    kind: str
    title: str
    language: str
    prices: list[Price]
    objects: list[StoredObject]
    inputs: str = ""  # sha256 of what the product's files were made from (the build's cache key)

    @property
    def pages(self) -> list[StoredObject]:
        return [o for o in self.objects if o.role == "page"]

    @property
    def downloads(self) -> list[StoredObject]:
        return [o for o in self.objects if o.role in DOWNLOADS]

    def page(self, source: str) -> StoredObject | None:
        return next((o for o in self.pages if o.source == source), None)

    def site_page(self, source: str) -> StoredObject | None:
        """The page built from `source` as a full page of the site (None before schema 4)."""
        return next((o for o in self.objects if o.role == "site-page" and o.source == source), None)

    def locked_part(self, source: str) -> StoredObject | None:
        """The locked part alone of the page built from `source`, for the in-place unlock."""
        return next((o for o in self.objects if o.role == "locked-part" and o.source == source), None)

    def object(self, key: str) -> StoredObject | None:
        return next((o for o in self.objects if o.key == key), None)

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "title": self.title, "language": self.language,
                "prices": [p.to_dict() for p in self.prices]}
        if self.inputs:
            data["inputs"] = self.inputs
        data["objects"] = [o.to_dict() for o in self.objects]
        return data


@dataclass
class Manifest:
    products: dict[str, Product] = field(default_factory=dict)
    assets: list[StoredObject] = field(default_factory=list)
    generator: str = ""
    build: str = "production"
    schema: int = SCHEMA

    # -- reading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | str) -> "Manifest":
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ManifestError(f"{path}: not found. Run `folio build` first.") from None
        except OSError as error:
            raise ManifestError(f"{path}: cannot read it ({error.strerror or error}).") from None
        return cls.from_bytes(data, str(path))

    @classmethod
    def from_bytes(cls, data: bytes, source: str) -> "Manifest":
        """Parse and validate; every problem is reported at once, naming `source`."""
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ManifestError(f"{source}: not valid JSON ({error}). Run `folio build` again.") from None
        if not isinstance(raw, dict):
            raise ManifestError(f"{source}: expected a JSON object. Run `folio build` again.")
        if raw.get("schema") not in READABLE_SCHEMAS:
            raise ManifestError(
                f"{source}: manifest schema {raw.get('schema')!r}, but this Folio reads schemas "
                f"{', '.join(map(str, READABLE_SCHEMAS[:-1]))} and {READABLE_SCHEMAS[-1]}. "
                "Run `folio build` again with this Folio.")
        problems: list[str] = []
        reader = _Reader(problems)
        build = raw.get("build", "production")
        if build not in BUILDS:
            problems.append(f"build: expected one of {', '.join(BUILDS)}, got {build!r}")
        assets = [obj for i, item in enumerate(_list(raw.get("assets", []), "assets", problems))
                  if (obj := reader.object(item, f"assets[{i}]", role="asset")) is not None]
        products = {}
        raw_products = raw.get("products", {})
        if not isinstance(raw_products, dict):
            problems.append("products: expected an object keyed by product id")
            raw_products = {}
        for product_id, item in raw_products.items():
            product = reader.product(product_id, item)
            if product is not None:
                products[product_id] = product
        manifest = cls(products, assets, str(raw.get("generator", "")), build, SCHEMA)
        asset_keys = {a.key for a in assets}
        for product in products.values():
            for page in (o for o in product.objects if o.role in PAGE_ROLES):
                problems += [f"products.{product.id}: page {page.key} uses {ref.key}, which is not under assets"
                             for ref in page.assets if ref.key not in asset_keys]
        if problems:
            raise ManifestError("\n".join(f"{source}: {p}" for p in problems)
                                + "\nThe manifest is corrupt; run `folio build` again.")
        return manifest

    # -- writing ------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "schema": self.schema,
            "generator": self.generator,
            "build": self.build,
            "assets": [a.to_dict() for a in sorted(self.assets, key=lambda a: a.key)],
            "products": {pid: self.products[pid].to_dict() for pid in sorted(self.products)},
        }

    def to_bytes(self) -> bytes:
        """Deterministic JSON: same manifest, same bytes."""
        return (json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    def write(self, gated_dir: Path) -> Path:
        """Write atomically (temporary file + rename): a reader never sees half a manifest."""
        path = Path(gated_dir) / MANIFEST_NAME
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(self.to_bytes())
        tmp.replace(path)
        return path

    # -- looking up ---------------------------------------------------------------------------

    def asset(self, key: str) -> StoredObject | None:
        return next((a for a in self.assets if a.key == key), None)

    def objects(self) -> list[StoredObject]:
        """Every object the manifest names, once each (a key shared by products counts once)."""
        seen: dict[str, StoredObject] = {a.key: a for a in self.assets}
        for pid in sorted(self.products):
            for obj in self.products[pid].objects:
                seen.setdefault(obj.key, obj)
        return sorted(seen.values(), key=lambda o: o.key)

    def keys(self) -> set[str]:
        """Every object key in the bucket this manifest names."""
        return {o.key for o in self.objects()}

    def local_keys(self) -> set[str]:
        """Every file of gated/ this manifest needs (pages, assets, pack lists)."""
        return {o.local_key for o in self.objects()}


def safe_path(root: Path, key: str) -> Path:
    """The file under `root` for a manifest key; refuses any key that could leave `root`."""
    if not is_safe_key(key):
        raise ManifestError(f"{key!r}: not a safe object key (relative, POSIX, no '..').")
    path = (Path(root) / key).resolve()
    if not path.is_relative_to(Path(root).resolve()):
        raise ManifestError(f"{key!r}: points outside {root}.")
    return path


def is_safe_key(key: object) -> bool:
    if not isinstance(key, str) or not key or key == MANIFEST_NAME:
        return False
    parts = PurePosixPath(key).parts
    return not (key.startswith("/") or "\\" in key or ".." in parts or "." in key.split("/")
                or any(ord(ch) < 32 for ch in key))


def _list(value, where: str, problems: list[str]) -> list:
    if isinstance(value, list):
        return value
    problems.append(f"{where}: expected a list")
    return []


class _Reader:
    """Turns JSON values into objects, collecting problems instead of stopping at the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems

    def product(self, product_id: str, item) -> Product | None:
        where = f"products.{product_id}"
        if not isinstance(item, dict):
            self.problems.append(f"{where}: expected an object")
            return None
        before = len(self.problems)
        kind = item.get("kind")
        if kind not in KINDS:
            self.problems.append(f"{where}.kind: expected one of {', '.join(KINDS)}, got {kind!r}")
        if kind == "course" and not product_id.startswith("course:"):
            self.problems.append(f"{where}: a course's id must start with 'course:'")
        language = item.get("language", "en")
        if language not in LANGUAGES:
            self.problems.append(f"{where}.language: expected one of {', '.join(LANGUAGES)}, got {language!r}")
        prices = []
        for i, price in enumerate(_list(item.get("prices", []), f"{where}.prices", self.problems)):
            try:
                prices.append(Price(str(price["plan"]), int(price["amount"]), str(price["currency"]),
                                    str(price.get("display", ""))))
            except (KeyError, TypeError, ValueError) as error:
                self.problems.append(f"{where}.prices[{i}]: missing or bad {error}")
        objects = [obj for i, o in enumerate(_list(item.get("objects", []), f"{where}.objects", self.problems))
                   if (obj := self.object(o, f"{where}.objects[{i}]")) is not None]
        if len(self.problems) > before:
            return None
        return Product(product_id, kind, str(item.get("title", "")), language, prices, objects,
                       str(item.get("inputs", "")))

    def object(self, item, where: str, role: str | None = None) -> StoredObject | None:
        if not isinstance(item, dict):
            self.problems.append(f"{where}: expected an object")
            return None
        before = len(self.problems)
        key = item.get("key")
        if not is_safe_key(key):
            self.problems.append(f"{where}.key: {key!r} is not a safe relative key")
        actual_role = item.get("role")
        allowed = (role,) if role else tuple(r for r in ROLES if r != "asset")
        if actual_role not in allowed:
            self.problems.append(f"{where}.role: expected {' or '.join(allowed)}, got {actual_role!r}")
        pack = None
        if "pack" in item:
            pack = self.pack(item["pack"], f"{where}.pack", actual_role)
            sha256, size = "", 0
        else:
            sha256, size = self.hash_and_size(item, where)
        if not isinstance(item.get("content_type"), str) or not item.get("content_type"):
            self.problems.append(f"{where}.content_type: missing")
        refs = []
        for i, ref in enumerate(_list(item.get("assets", []), f"{where}.assets", self.problems)):
            if isinstance(ref, dict) and is_safe_key(ref.get("key")) and isinstance(ref.get("ref"), str):
                refs.append(AssetRef(ref["key"], ref["ref"]))
            else:
                self.problems.append(f"{where}.assets[{i}]: expected {{key, ref}} with a safe key")
        if len(self.problems) > before:
            return None
        return StoredObject(key, sha256, size, item["content_type"], actual_role,
                            str(item.get("source", "")), str(item.get("title", "")), tuple(refs), pack)

    def hash_and_size(self, item: dict, where: str) -> tuple[str, int]:
        sha256, size = item.get("sha256"), item.get("size")
        if not (isinstance(sha256, str) and _HEX64.fullmatch(sha256)):
            self.problems.append(f"{where}.sha256: expected 64 lowercase hex digits")
        if not (isinstance(size, int) and not isinstance(size, bool) and size >= 0):
            self.problems.append(f"{where}.size: expected a byte count, got {size!r}")
        return sha256, size

    def pack(self, item, where: str, role) -> ObjectRef | None:
        if role not in DOWNLOADS:
            self.problems.append(f"{where}: only a download (bundle, epub) is assembled from a pack list")
        if not isinstance(item, dict):
            self.problems.append(f"{where}: expected {{key, sha256, size}}")
            return None
        if not is_safe_key(item.get("key")):
            self.problems.append(f"{where}.key: {item.get('key')!r} is not a safe relative key")
        sha256, size = self.hash_and_size(item, where)
        return ObjectRef(item.get("key"), sha256, size)
