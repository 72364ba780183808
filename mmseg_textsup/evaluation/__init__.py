from .pseudo_label_writer import PseudoLabelWriter, add_pseudo_label_writing, pending_pseudo_labels

__all__ = ['PseudoLabelWriter', 'add_pseudo_label_writing', 'pending_pseudo_labels']
