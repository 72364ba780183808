# Training-free methods: only the validation and test loops.
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
