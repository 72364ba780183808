# CLIP-ES initial CAMs + CAA + dense CRF on VOC 2012 train (paper Tables 1 / 2: 75.0).
_base_ = ['./voc21_cams.py']
model = dict(caa=True, crf=True)
