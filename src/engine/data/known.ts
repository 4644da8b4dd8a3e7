/**
 * Class names for well-known datasets whose files carry none (IDX). A dataset is
 * recognised only by the SHA-256 of its whole label sequence, which no other dataset
 * shares: MNIST and Fashion-MNIST have the same shapes and counts, so nothing weaker
 * tells them apart. (MNIST's names are its digits, which the indices already are.)
 */
import { createHash } from 'node:crypto';

const FASHION_MNIST_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** SHA-256 of the label bytes (one per image, after the IDX header) -> what they are. */
const KNOWN_LABELS: Readonly<Record<string, { readonly dataset: string; readonly names: readonly string[] }>> = {
  '657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7': { dataset: 'Fashion-MNIST train', names: FASHION_MNIST_NAMES },
  '3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9': { dataset: 'Fashion-MNIST t10k', names: FASHION_MNIST_NAMES },
};

/** The dataset and class names the labels identify, or undefined. */
export function recogniseLabels(labels: ArrayLike<number>): { readonly dataset: string; readonly names: readonly string[] } | undefined {
  // Only the full 60,000 / 10,000 sets are known: skip hashing anything else.
  if (labels.length !== 60000 && labels.length !== 10000) return undefined;
  const bytes = Uint8Array.from(labels as ArrayLike<number>);
  return KNOWN_LABELS[createHash('sha256').update(bytes).digest('hex')];
}
