"""Package layout only (metadata lives in pyproject.toml).

The repository keeps ``bridge/``, ``models/`` and ``export/`` at its top level, but they install as
``sidl.bridge``, ``sidl.models`` and ``sidl.export``, so ``sidl`` is the only name put into
site-packages. Packages and data folders are found here rather than listed by hand, so a new
sub-package or a new bundled model cannot be missed.
"""

from setuptools import find_namespace_packages, find_packages, setup

PARTS = ("bridge", "models", "export")
# folders of files that ship with the code (bundled ONNX models, shipped checkpoints and cards, configs)
DATA_FOLDERS = {"bridge": ("bundled",), "models": ("configs", "shipped")}
DATA_FILES = ["*.onnx", "*.md", "*.json", "*.safetensors", "*.npz", "*.png"]

packages = ["sidl"]
package_dir = {"sidl": "sidl"}
package_data = {"sidl": ["py.typed"]}
for part in PARTS:
    package_dir[f"sidl.{part}"] = part
    packages.append(f"sidl.{part}")
    packages += [f"sidl.{part}.{sub}" for sub in find_packages(where=part)]
    for folder in DATA_FOLDERS.get(part, ()):
        for sub in [folder] + [f"{folder}.{s}" for s in find_namespace_packages(where=f"{part}/{folder}")]:
            if "__pycache__" not in sub:
                packages.append(f"sidl.{part}.{sub}")
                package_data[f"sidl.{part}.{sub}"] = DATA_FILES

setup(packages=packages, package_dir=package_dir, package_data=package_data)
