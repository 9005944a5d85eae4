# The compiled part (wikipack._wikipack) is built by cffi from wikipack/_build.py;
# everything else is in pyproject.toml.
from setuptools import setup

setup(cffi_modules=["wikipack/_build.py:ffibuilder"])
