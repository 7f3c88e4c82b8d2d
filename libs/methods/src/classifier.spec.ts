import { useBackend } from '@workbench/tensor';
import { toyClassifier } from '../test/toy-model.ts';

describe('MultiLabelClassifier.parameterCount', () => {
  it('counts every trainable number from the shapes', async () => {
    await useBackend('cpu');
    const model = toyClassifier(10, 4, 3);
    // embeddings 10x4 + encoder 4x4 + head 4x3 + bias 3
    expect(model.parameterCount()).toBe(40 + 16 + 12 + 3);
    model.dispose();
  });
});
