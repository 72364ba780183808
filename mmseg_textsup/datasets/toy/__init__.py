from .world import BACKGROUNDS, CLASSES, OBJECT_CLASSES, OBJECTS, ToySample, ToyWorld, objects_on_background

__all__ = ['BACKGROUNDS', 'CLASSES', 'OBJECT_CLASSES', 'OBJECTS', 'ToySample', 'ToyWorld', 'objects_on_background']
