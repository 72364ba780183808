from .pseudo_label_writer import PseudoLabelWriter, add_pseudo_label_writing

__all__ = ['PseudoLabelWriter', 'add_pseudo_label_writing']
