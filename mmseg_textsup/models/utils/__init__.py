from .cam import box_mask, caa_affinity, caa_refine, cam_confidence, normalise_cams, sinkhorn, softmax_gradcam

__all__ = ['box_mask', 'caa_affinity', 'caa_refine', 'cam_confidence', 'normalise_cams', 'sinkhorn', 'softmax_gradcam']
