# PASCAL Context train (4,996 images) without background (59 classes), for training.
_base_ = ['./context60_train.py']
train_dataloader = dict(dataset=dict(type='PascalContextDataset59'))
