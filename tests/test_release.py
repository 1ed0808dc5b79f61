"""A citable release: one version and date (CHANGELOG.md) in every file that names one, a manifest
whose checksums and counts hold, the licences stated, and the dataset described for search engines
(schema.org JSON-LD on the downloads page, the files in the sitemap). Generic: for every knowledge
base, from its built site."""

import csv
import hashlib
import io
import json
import re
import subprocess
import textwrap
from html import unescape

import yaml

from helpers import ROOT
from knowledge_base import release
from knowledge_base.dataset import FILES, jsonld
from knowledge_base.tables import TABLES

LATEST = release.read_release()


def downloads(site):
    return site / "downloads"


def test_the_changelog_keeps_a_changelog():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\S+))?$", text, re.M)
    assert headings[0] == ("Unreleased", ""), "the first section gathers what is not released yet"
    released = [(tuple(map(int, v.split("."))), d) for v, d in headings[1:]]
    assert released, "at least one release"
    assert released == sorted(released, reverse=True), "releases newest first, versions and dates in step"
    assert [d for _, d in released] == sorted((d for _, d in released), reverse=True)
    for version, _ in headings:
        assert re.search(rf"^\[{re.escape(version)}\]: https://", text, re.M), f"[{version}] has no link"
    for section in re.findall(r"^### (.+)$", text, re.M):
        assert section in {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}, section


def test_every_metadata_file_names_the_release(site):
    out = downloads(site)
    version, day = LATEST.version, LATEST.date.isoformat()
    kb = json.loads((out / "kb.json").read_text(encoding="utf-8"))
    assert (kb["version"], kb["released"], kb["licence"]) == (version, day, release.DATA_LICENCE["name"])
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == version and package["created"].startswith(day)
    metadata = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert version in metadata["title"] and day in metadata["description"]
    assert metadata["license_url"] == release.DATA_LICENCE["path"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["version"], manifest["released"]) == (version, day)
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert (str(cff["version"]), str(cff["date-released"])) == (version, day)
    footer = (site / "index.html").read_text(encoding="utf-8")
    assert f"version {version}" in footer


def test_the_manifest_holds_every_file_with_its_checksum_and_every_tables_count(site):
    out = downloads(site)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json", "SHA256SUMS"}
    assert {f["path"] for f in manifest["files"]} == on_disk, "the manifest lists every file of the downloads"
    for entry in manifest["files"]:
        data = (out / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest(), entry["path"]
    for table in TABLES:
        rows = (out / f"{table.name}.csv").read_text(encoding="utf-8")
        assert manifest["records"][table.name] == len(list(csv.DictReader(io.StringIO(rows)))), table.name
    check = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert len(check.stdout.splitlines()) == len(on_disk)


def test_the_release_files_are_the_ones_the_dataset_describes(site):
    out = downloads(site)
    top = {p.name for p in out.iterdir() if p.is_file()}
    assert top == {name for name, _, _ in FILES}, "dataset.FILES names exactly the files export writes"


def test_licences_are_stated_in_every_metadata_file_and_the_repository(site):
    out = downloads(site)
    for name in ("kb.json", "datapackage.json", "metadata.json", "manifest.json"):
        text = (out / name).read_text(encoding="utf-8")
        assert "CC" in text and release.RIGHTS in text, f"{name} states the licence and what it leaves out"
    data = (ROOT / "LICENSE-DATA.md").read_text(encoding="utf-8")
    assert release.DATA_LICENCE["path"] in data and "remain the words of their authors" in data
    assert "MIT" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    page = unescape(re.sub(r"<[^>]+>", "", (site / "downloads.html").read_text(encoding="utf-8")))
    assert "CC BY 4.0" in page and "remain the words of their authors" in page


def _jsonld(site) -> dict:
    html = (site / "downloads.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1, "one Dataset description on the downloads page"
    assert "<" not in scripts[0], "no text can close the script early"
    return json.loads(scripts[0])


def test_the_downloads_page_describes_the_dataset_in_json_ld(site):
    data = _jsonld(site)
    assert data == jsonld(release.published_address())
    assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
    # What Google's Dataset guidelines require or recommend
    for key in ("name", "description", "url", "license", "creator", "version", "datePublished", "distribution"):
        assert data.get(key), key
    assert 50 <= len(data["description"]) <= 5000
    assert data["version"] == LATEST.version and data["datePublished"] == LATEST.date.isoformat()
    address = release.published_address()
    for download in data["distribution"]:
        assert download["@type"] == "DataDownload" and download["encodingFormat"]
        assert download["contentUrl"].startswith(address + "downloads/")
        assert (site / download["contentUrl"].removeprefix(address)).is_file(), download["contentUrl"]


def test_the_sitemap_lists_the_downloads_once(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert len(locations) == len(set(locations))
    for download in _jsonld(site)["distribution"]:
        assert download["contentUrl"] in locations
    assert any(loc.endswith("/downloads.html") for loc in locations)


def test_the_data_dictionary_describes_every_table_and_column(site):
    page = unescape(re.sub(r"<[^>]+>", " ", (site / "data-dictionary.html").read_text(encoding="utf-8")))
    page = " ".join(page.split())
    for table in TABLES:
        assert f"{table.name}.csv" in page
        for column in table.columns:
            assert " ".join(column.description.split()) in page, f"{table.name}.{column.name}"


def test_zenodo_and_the_release_workflow_describe_this_dataset():
    from knowledge_base.dataset import TITLE

    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["title"] == TITLE and zenodo["license"] == release.DATA_LICENCE["name"]
    assert zenodo["upload_type"] == "dataset"
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))
    steps = " ".join(step.get("run", "") for step in workflow["jobs"]["release"]["steps"])
    assert "read_release" in steps and "sha256sum --check" in steps and "build.py export" in steps
    # the notes step finds the latest release's section of the changelog
    script = next(s["run"] for s in workflow["jobs"]["release"]["steps"] if "notes.md" in s.get("run", ""))
    code = script.split("<<'PY' > notes.md\n", 1)[1].rsplit("PY", 1)[0]
    notes = subprocess.run(["python3", "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)})
    assert notes.returncode == 0 and notes.stdout.startswith("### "), notes.stdout + notes.stderr


def test_the_readme_and_the_downloads_page_name_every_file(site):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    export = readme.split("### `python build.py export", 1)[1].split("\n### ", 1)[0]
    page = (site / "downloads.html").read_text(encoding="utf-8")
    for name, _, _ in FILES:
        assert f"`{name}`" in export, f"README's export section does not name {name}"
        assert f'href="downloads/{name}"' in page, f"the downloads page does not link {name}"
