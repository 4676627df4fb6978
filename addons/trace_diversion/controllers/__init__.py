from . import inspect
