import { describe, expect, it } from 'vitest';
import { loadText } from '../testing/load-text.ts';
import { rankLabel, rankOf, rankOrder, shortKernel } from './ranks.ts';

describe('the ranks of a run', () => {
  it('are ordered by distributedInfo.rank, those without one last, ties in the order given', () => {
    expect(rankOrder([3, 0, null, 1, null, 0])).toEqual([1, 5, 3, 0, 2, 4]);
    expect(rankOrder([null, null])).toEqual([0, 1]);
  });

  it('read their rank from distributedInfo, and are labelled by it', async () => {
    const t = (info: string) => loadText(`{"traceEvents":[{"ph":"X","name":"a","pid":1,"tid":1,"ts":1,"dur":1}]${info}}`).then((r) => r.model);
    expect(rankOf(await t(',"distributedInfo":{"backend":"nccl","rank":5,"world_size":8}'))).toBe(5);
    expect(rankOf(await t(''))).toBeNull();
    expect(rankOf(await t(',"distributedInfo":{"rank":"2"}'))).toBeNull();
    expect(rankLabel(5, 'w5.json')).toBe('rank 5 · w5.json');
    expect(rankLabel(null, 'x.json')).toBe('no rank · x.json');
    expect(shortKernel('ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long)')).toBe('ncclKernel_AllReduce_RING_LL_Sum_float');
  });
});
