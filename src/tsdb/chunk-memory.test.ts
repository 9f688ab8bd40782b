// Tests for head chunk memory: slab slots are distinct and zeroed, and slabs that empty are given back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classSize, SlabAllocator } from './chunk-memory.js';

test('slots of a class never overlap and are handed out zeroed after reuse', () => {
  const a = new SlabAllocator();
  const handles: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const h = a.alloc(0);
    a.buffer(h).fill(0xff, a.offset(h), a.offset(h) + classSize(0));
    a.buffer(h)[a.offset(h)] = i & 0xff;
    handles.push(h);
  }
  assert.equal(new Set(handles).size, handles.length);
  handles.forEach((h, i) => assert.equal(a.buffer(h)[a.offset(h)], i & 0xff));
  for (let i = 0; i < handles.length; i += 2) a.release(handles[i] as number);
  for (let i = 0; i < handles.length; i += 2) {
    const h = a.alloc(0);
    const off = a.offset(h);
    assert.ok(a.buffer(h).subarray(off, off + classSize(0)).every((b) => b === 0));
    handles[i] = h;
  }
  assert.equal(new Set(handles).size, handles.length);
  for (let i = 1; i < handles.length; i += 2) assert.equal(a.buffer(handles[i] as number)[a.offset(handles[i] as number)], i & 0xff);
});

test('slabs are given back when every slot in them is released, and reused after', () => {
  const a = new SlabAllocator();
  const small = Array.from({ length: 5000 }, () => a.alloc(0));
  const held = a.allocatedBytes;
  assert.ok(held >= 5000 * classSize(0));
  const big = Array.from({ length: 5000 }, () => a.alloc(5));
  for (const h of small) a.release(h);
  assert.ok(a.allocatedBytes < 5000 * classSize(5) * 1.1 + held / 10, `${a.allocatedBytes} bytes still held`);
  for (const h of big) a.release(h);
  assert.equal(a.allocatedBytes, 0);
  const again = Array.from({ length: 5000 }, () => a.alloc(0));
  assert.equal(a.allocatedBytes, held);
  assert.equal(new Set(again).size, again.length);
});
