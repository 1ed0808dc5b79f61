"""The knowledge base as a dataset others can find and cite: the files of a release, their schema.org
Dataset description (JSON-LD, on the downloads page) and their entries in the site's sitemap.

The files are named once, here; export.py writes them and a test checks that it writes exactly these.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from xml.sax.saxutils import escape

from markupsafe import Markup

from . import release
from .tables import TABLES

TITLE = "Returnees Rehabilitation Knowledge Base"
DESCRIPTION = ("Promising practices for the rehabilitation and reintegration of women and children returned from "
               "Syria and Iraq: key practices, country profiles, figures, operations, quotes and footnoted sources.")
DOWNLOADS = "downloads/"  # where the site publishes them

# (file, media type, what it holds)
FILES = [
    ("kb.json", "application/json", "Every record as validated (its JSON Schema: schema/kb.schema.json)."),
    ("kb.sqlite", "application/vnd.sqlite3", "Every table, with keys, link tables and a full-text index (Datasette)."),
    ("metadata.json", "application/json", "Datasette's description of kb.sqlite: every table and column."),
    ("datapackage.json", "application/json", "The Frictionless data package (v2) describing the CSV files."),
    *((f"{t.name}.csv", "text/csv", t.description) for t in TABLES),
    ("sources.bib", "application/x-bibtex", "Every source and cited work, in BibTeX."),
    ("sources.csl.json", "application/vnd.citationstyles.csl+json", "Every source and cited work, in CSL-JSON."),
    ("manifest.json", "application/json", "The release: version, record counts, each file's size and SHA-256."),
    ("SHA256SUMS", "text/plain", "Each file's SHA-256, for `sha256sum -c SHA256SUMS`."),
]


def download_address(name: str, address: str | None = None) -> str:
    return (release.published_address() if address is None else address) + DOWNLOADS + name


def jsonld(address: str | None = None) -> dict:
    """The schema.org Dataset the downloads page describes, with a DataDownload for each file."""
    address = release.published_address() if address is None else address
    current = release.current()
    return {
        "@context": "https://schema.org", "@type": "Dataset", "name": TITLE, "description": DESCRIPTION,
        "url": address + "downloads.html", "version": current.version, "datePublished": current.date.isoformat(),
        "license": release.DATA_LICENCE["path"], "inLanguage": "en", "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": f"{TITLE} contributors"},
        "isBasedOn": {"@type": "Report", "name": "Compendium of promising practices on the repatriation, rehabilitation "
                      "and reintegration of women and children from Syria and Iraq",
                      "author": {"@type": "Organization", "name": "Bulan Institute for Peace Innovations"}},
        "keywords": ["repatriation", "rehabilitation", "reintegration", "returnees", "women", "children", "Syria",
                     "Iraq"],
        "distribution": [{"@type": "DataDownload", "name": name, "description": about, "encodingFormat": media,
                          "contentUrl": download_address(name, address)} for name, media, about in FILES],
    }


def jsonld_script(address: str | None = None) -> Markup:
    """The JSON-LD in a <script> element: '<', '>' and '&' as JSON escapes, so that no text can close it."""
    text = json.dumps(jsonld(address), ensure_ascii=False, indent=1)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(f'<script type="application/ld+json">\n{text}\n</script>')


def add_downloads_to_sitemap(site: Path, address: str) -> None:
    """MkDocs' sitemap lists the pages; search engines and harvesters find the data files there too."""
    sitemap = site / "sitemap.xml"
    if not sitemap.exists() or not address:
        return
    entries = "".join(f"    <url>\n         <loc>{escape(download_address(name, address))}</loc>\n    </url>\n"
                      for name, _, _ in FILES if (site / DOWNLOADS / name).exists())
    text = sitemap.read_text(encoding="utf-8")
    if download_address(FILES[0][0], address) in text:  # a rebuild while serving may keep the sitemap
        return
    sitemap.write_text(text.replace("</urlset>", entries + "</urlset>", 1), encoding="utf-8")
    packed = site / "sitemap.xml.gz"
    if packed.exists():
        packed.write_bytes(gzip.compress(sitemap.read_bytes(), mtime=0))
