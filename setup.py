"""The compiled part of pageparts: ``pageparts.scoring._speedups`` from core/scoring/_speedups.pyx (Cython).

Everything else about the package is in pyproject.toml. The extension is optional: where it
cannot be compiled (no C compiler), the install goes on without it and pageparts runs its
pure-Python path, saying so once at start-up (``pageparts.scoring.speedups``).
"""

import lxml
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# a * b + c never fused into one rounding: the compiled scores must equal the pure path's to the bit
_NO_CONTRACTION = {"msvc": ["/fp:precise"]}
_DEFAULT = ["-ffp-contract=off"]


class BuildExt(build_ext):
    """``build_ext`` with the compiler's flag that keeps floating-point operations as written, and
    an optional extension that cannot be built (whatever the error: no compiler at all raises an
    OSError, not a CompileError) left out with a warning."""

    def build_extensions(self) -> None:
        flags = _NO_CONTRACTION.get(self.compiler.compiler_type, _DEFAULT)
        for extension in self.extensions:
            extension.extra_compile_args = [*extension.extra_compile_args, *flags]
        super().build_extensions()

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as error:
            if not ext.optional:
                raise
            self.warn(f"{ext.name} not built ({error}): pageparts will run its pure-Python path")


# lxml's headers (shipped in its wheels): the HTML splitter's compiled walk reads libxml2's nodes
# as lxml declares them, and makes lxml elements through lxml's public C API
extensions = cythonize(
    [
        Extension(
            "pageparts.scoring._speedups", ["core/scoring/_speedups.pyx"], include_dirs=lxml.get_include()
        )
    ],
    compiler_directives={"language_level": "3"},
    build_dir="build",  # the generated C file stays out of the package (and the wheel)
)
for extension in extensions:
    extension.optional = True  # set here: cythonize makes new Extension objects without it

setup(ext_modules=extensions, cmdclass={"build_ext": BuildExt})
