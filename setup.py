"""Only what pyproject.toml cannot say: the top-level resources/ and forms/ folders are
installed inside the package (zkdesk/resources, zkdesk/forms), so zkdesk.paths finds them
in a checkout, a wheel and a PyInstaller bundle alike."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["zkdesk", "zkdesk.*"]) + ["zkdesk.resources", "zkdesk.forms"],
    package_dir={"zkdesk.resources": "resources", "zkdesk.forms": "forms"},
)
