"""Marks the wheel as platform-specific when it carries libsyslab.so (put there
by build_wheel.sh, never in the source tree); the metadata is in pyproject.toml."""

from pathlib import Path

from setuptools import setup
from setuptools.dist import Distribution


class _Distribution(Distribution):
    def has_ext_modules(self) -> bool:
        return (Path(__file__).resolve().parent / "syslab" / "libsyslab.so").exists()


setup(distclass=_Distribution)
