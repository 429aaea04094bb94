"""The repositories of the unit of work (storage/uow.py), one module per kind of record."""
