# Key smoothing and prompt denoising as the paper's text reads them (eq. 5: smoothing of the cosines
# with cosine key affinities of the attention's own keys, then denoising), not as the official code
# computes them (context59_ks_pd.py, the one behind the published numbers).
_base_ = ['./context59_ks_pd.py']
model = dict(backbone=dict(key_projection='in_proj'), decode_head=dict(refinement='paper'))
