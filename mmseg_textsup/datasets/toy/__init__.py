from .world import BACKGROUNDS, CLASSES, OBJECTS, ToySample, ToyWorld

__all__ = ['BACKGROUNDS', 'CLASSES', 'OBJECTS', 'ToySample', 'ToyWorld']
