"""Write small gated/ folders exactly as gated/README.md describes them.

The real build that writes gated/ lives elsewhere; publishing only needs its
contract: content-addressed file names and manifest.json (schema 3), written through
`toolkit.gated.manifest` like the build does.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.gated.manifest import AssetRef, Manifest, Price, Product, StoredObject

HTML = "text/html; charset=utf-8"
PNG = "image/png"
# A tiny valid PNG (1x1): the figure every sample page shows, stored once under assets/.
FIGURE = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                       "1f15c4890000000d49444154789c6360000002000185d114090000000049454e44ae426082")
ZIP = "application/zip"
EPUB = "application/epub+zip"


@dataclass
class Course:
    slug: str
    title: str
    pages: dict[str, str]  # page stem -> paid text
    price: int = 4900


@dataclass
class GatedSite:
    """A tiny paid catalogue; `write()` renders it into `root` like `folio build` would."""

    root: Path
    courses: list[Course] = field(default_factory=list)
    member_pages: dict[str, str] = field(default_factory=dict)  # "articles/stem" -> text
    padding: int = 0  # extra bytes per page, to make bigger sites

    @classmethod
    def sample(cls, root: Path, pages_per_course: int = 3, courses: int = 1, padding: int = 0) -> "GatedSite":
        site = cls(root, padding=padding)
        for c in range(courses):
            slug = "async-python" if c == 0 else f"course-{c}"
            pages = {f"{n:02d}-chapter": f"Paid chapter {n} of {slug}." for n in range(1, pages_per_course + 1)}
            site.courses.append(Course(slug, f"Course {slug}", pages))
        site.member_pages = {"articles/deep-dive": "A members-only article.", "salons/2024-05": "Salon notes."}
        return site

    def edit(self, slug: str, stem: str, text: str) -> None:
        next(c for c in self.courses if c.slug == slug).pages[stem] = text

    def write(self, build: str = "production") -> Manifest:
        """Replace gated/ with fresh output; returns the manifest written."""
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        self.figure = self._file("assets", hashlib.sha256(FIGURE).hexdigest()[:16], "png", FIGURE, PNG,
                                 "asset", "images/figure.png", "", hashed=False)
        products = {f"course:{c.slug}": self._course(c) for c in self.courses}
        products["membership"] = self._membership()
        manifest = Manifest(products, [self.figure], "folio 0.1.0", build)
        manifest.write(self.root)
        return manifest

    def manifest(self) -> Manifest:
        return Manifest.load(self.root / "manifest.json")

    def _course(self, course: Course) -> Product:
        folder = f"course/{course.slug}"
        pages = [self._page(folder, stem, text, f"courses/{course.slug}/{stem}.md")
                 for stem, text in sorted(course.pages.items())]
        archive = self._archive(pages)
        objects = pages + [
            self._file(folder, course.slug, "zip", archive, ZIP, "bundle", f"courses/{course.slug}", course.title),
            self._file(folder, course.slug, "epub", b"EPUB" + archive, EPUB, "epub", f"courses/{course.slug}",
                       course.title),
        ]
        prices = [Price("one_time", course.price, "USD", f"{course.price // 100} USD")]
        return Product(f"course:{course.slug}", "course", course.title, "en", prices, objects)

    def _membership(self) -> Product:
        pages = [self._page(f"membership/{name.split('/')[0]}", name.split("/")[1], text, f"{name}.md")
                 for name, text in sorted(self.member_pages.items())]
        bundle = self._file("membership", "membership", "zip", self._archive(pages), ZIP, "bundle",
                            "membership", "Membership")
        prices = [Price("monthly", 900, "USD", "9 USD"), Price("yearly", 9000, "USD", "90 USD")]
        return Product("membership", "membership", "Membership", "en", prices, pages + [bundle])

    def _page(self, folder: str, stem: str, text: str, source: str) -> StoredObject:
        depth = folder.count("/") + 1
        ref = "../" * depth + self.figure.key
        html = (f"<!doctype html><html><body><h1>{stem}</h1><p>{text}</p><img src=\"{ref}\" alt=\"\">"
                f"{'.' * self.padding}</body></html>\n")
        page = self._file(folder, stem, "html", html.encode(), HTML, "page", source, stem.replace("-", " ").title())
        return StoredObject(page.key, page.sha256, page.size, page.content_type, page.role, page.source,
                            page.title, (AssetRef(self.figure.key, ref),))

    def _archive(self, pages: list[StoredObject]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for page in pages:
                info = zipfile.ZipInfo(page.key.rsplit("/", 1)[1], date_time=(2024, 1, 1, 0, 0, 0))
                archive.writestr(info, (self.root / page.key).read_bytes())
        return buffer.getvalue()

    def _file(self, folder, stem, ext, data: bytes, content_type, role, source, title, hashed=True) -> StoredObject:
        sha = hashlib.sha256(data).hexdigest()
        key = f"{folder}/{stem}.{sha[:8]}.{ext}" if hashed else f"{folder}/{stem}.{ext}"
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return StoredObject(key, sha, len(data), content_type, role, source, title)


def keys_of(manifest: Manifest, role: str | None = None) -> set[str]:
    """Every object key in a manifest (optionally of one role)."""
    return {obj.key for obj in manifest.objects() if role is None or obj.role == role}


def product_keys(manifest: Manifest, product_id: str, role: str | None = None) -> set[str]:
    """The keys of one product's own objects (optionally of one role)."""
    return {obj.key for obj in manifest.products[product_id].objects if role is None or obj.role == role}


def write_mkdocs_yml(folder: Path, storage: dict, gated_dir: str = "gated") -> Path:
    """A minimal site whose folio plugin publishes `folder/gated_dir` with `storage` settings."""
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config = {
        "site_name": "Publish test",
        "docs_dir": "docs",
        "plugins": [{"folio": {"gated_dir": gated_dir, "storage": storage}}],
    }
    path = folder / "mkdocs.yml"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is valid YAML
    return path
