/**
 * transformers' RobertaForSequenceClassification is RobertaModel(add_pooling_layer=False) plus a
 * RobertaClassificationHead: dropout -> `classifier.dense` -> tanh -> dropout -> `classifier.out_proj`, on the
 * first (<s>) token. Our encoder's pooler (dense + tanh on the first token) followed by a ClassifierHead
 * (dropout -> linear) computes the same function, so at the checkpoint boundary `pooler.dense.*` is written as
 * `classifier.dense.*` (and no `roberta.pooler.*`), the head as `classifier.out_proj.*`. BERT keeps
 * BertForSequenceClassification's `classifier.weight/bias` on top of its own pooler.
 */
export const ROBERTA_CLASSIFIER_DENSE = 'classifier.dense';
export const ROBERTA_CLASSIFIER_OUT = 'classifier.out_proj';
export const POOLER_DENSE = 'pooler.dense';

/** The checkpoint name of an encoder parameter in the RoBERTa classification layout ('pooler.dense.x' -> 'classifier.dense.x'). */
export function robertaClassifierName(specName: string): string | undefined {
  return specName.startsWith(`${POOLER_DENSE}.`) ? ROBERTA_CLASSIFIER_DENSE + specName.slice(POOLER_DENSE.length) : undefined;
}
