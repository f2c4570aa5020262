"""Write small gated/ folders exactly as gated/README.md describes them.

The real build that writes gated/ lives elsewhere; publishing only needs its
contract: content-addressed file names and manifest.json (schema 1).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HTML = "text/html; charset=utf-8"
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

    def write(self) -> dict:
        """Replace gated/ with fresh output; returns the manifest written."""
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        products = {f"course:{c.slug}": self._course(c) for c in self.courses}
        products["membership"] = self._membership()
        manifest = {"schema": 1, "generator": "folio 0.1.0", "products": dict(sorted(products.items()))}
        text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        (self.root / "manifest.json").write_text(text, encoding="utf-8")
        return manifest

    def manifest(self) -> dict:
        return json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))

    def _course(self, course: Course) -> dict:
        folder = f"course/{course.slug}"
        pages = [self._page(folder, stem, text, f"courses/{course.slug}/{stem}.md")
                 for stem, text in sorted(course.pages.items())]
        archive = self._archive(pages)
        objects = pages + [
            self._file(folder, course.slug, "zip", archive, ZIP, "bundle", f"courses/{course.slug}", course.title),
            self._file(folder, course.slug, "epub", b"EPUB" + archive, EPUB, "epub", f"courses/{course.slug}",
                       course.title),
        ]
        prices = [{"plan": "one_time", "amount": course.price, "currency": "USD", "display": f"{course.price // 100} USD"}]
        return {"kind": "course", "title": course.title, "prices": prices, "objects": objects}

    def _membership(self) -> dict:
        pages = [self._page(f"membership/{name.split('/')[0]}", name.split("/")[1], text, f"{name}.md")
                 for name, text in sorted(self.member_pages.items())]
        bundle = self._file("membership", "membership", "zip", self._archive(pages), ZIP, "bundle",
                            "membership", "Membership")
        prices = [{"plan": "monthly", "amount": 900, "currency": "USD", "display": "9 USD"},
                  {"plan": "yearly", "amount": 9000, "currency": "USD", "display": "90 USD"}]
        return {"kind": "membership", "title": "Membership", "prices": prices, "objects": pages + [bundle]}

    def _page(self, folder: str, stem: str, text: str, source: str) -> dict:
        html = f"<!doctype html><html><body><h1>{stem}</h1><p>{text}</p>{'.' * self.padding}</body></html>\n"
        return self._file(folder, stem, "html", html.encode(), HTML, "page", source, stem.replace("-", " ").title())

    def _archive(self, pages: list[dict]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for page in pages:
                info = zipfile.ZipInfo(page["key"].rsplit("/", 1)[1], date_time=(2024, 1, 1, 0, 0, 0))
                archive.writestr(info, (self.root / page["key"]).read_bytes())
        return buffer.getvalue()

    def _file(self, folder, stem, ext, data: bytes, content_type, role, source, title) -> dict:
        sha = hashlib.sha256(data).hexdigest()
        key = f"{folder}/{stem}.{sha[:8]}.{ext}"
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return {"key": key, "sha256": sha, "size": len(data), "content_type": content_type,
                "role": role, "source": source, "title": title}


def keys_of(manifest: dict, role: str | None = None) -> set[str]:
    """Every object key in a manifest (optionally of one role)."""
    return {obj["key"] for product in manifest["products"].values() for obj in product["objects"]
            if role is None or obj["role"] == role}


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
