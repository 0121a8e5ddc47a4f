/**
 * Published Omniglot figures on the Vinyals split (28x28, 1,623 characters x 4 rotations,
 * 423 x 4 test classes), in the order 5-way 1-shot, 5-way 5-shot, 20-way 1-shot, 20-way 5-shot.
 */
export const PUBLISHED: { method: string; cite: string; acc: [number, number, number, number] }[] =
  [
    { method: 'Matching Networks', cite: 'Vinyals et al. 2016', acc: [98.1, 98.9, 93.8, 98.5] },
    { method: 'Prototypical Networks', cite: 'Snell et al. 2017', acc: [98.8, 99.7, 96.0, 98.9] },
  ]

export const SETTINGS: [ways: number, shots: number][] = [
  [5, 1],
  [5, 5],
  [20, 1],
  [20, 5],
]
