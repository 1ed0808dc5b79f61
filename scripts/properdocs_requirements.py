"""What a site build needs with ProperDocs instead of MkDocs (scripts/test.sh installs it in
.venv-properdocs). Run with the main venv's Python, where this package and Material are installed.

    properdocs_requirements.py           ProperDocs, this package's and Material's requirements,
                                         without MkDocs and Material (Material requires MkDocs)
    properdocs_requirements.py --theme   Material's own requirement, to install without its dependencies
"""

import importlib.metadata
import re
import sys

ENGINE = "properdocs>=1.6.7,<2"
THEME = "mkdocs-material"


def requirements(package: str) -> list[str]:
    found = []
    for requirement in importlib.metadata.requires(package) or []:
        if "extra ==" not in requirement:
            spec = requirement.split(";")[0].strip()
            found.append((re.split(r"[\s<>=~!\[(]", spec, maxsplit=1)[0].lower(), spec))
    return found


if __name__ == "__main__":
    ours = requirements("returnees-knowledge-base")
    if sys.argv[1:] == ["--theme"]:
        print(next(spec for name, spec in ours if name == THEME))
    else:
        print("\n".join([ENGINE, *(spec for name, spec in ours + requirements(THEME) if name not in ("mkdocs", THEME))]))
