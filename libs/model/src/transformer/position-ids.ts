import { tf } from '@workbench/tensor';

/**
 * RoBERTa's position ids (transformers' create_position_ids_from_input_ids): real tokens count up from
 * padTokenId + 1 (cumulative count of non-pad tokens), padding tokens get padTokenId itself.
 */
export function robertaPositionIds(inputIds: tf.Tensor2D, padTokenId: number): tf.Tensor2D {
  return tf.tidy(() => {
    const keep = tf.notEqual(inputIds, padTokenId).toInt();
    return tf.cumsum(keep, 1).mul(keep).add(tf.scalar(padTokenId, 'int32')) as tf.Tensor2D;
  });
}
