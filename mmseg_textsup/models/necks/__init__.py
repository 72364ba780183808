from .feature_selector import FeatureSelector

__all__ = ['FeatureSelector']
