// The PromQL editor: CodeMirror 6 with @prometheus-io/codemirror-promql for highlighting, autocomplete from the
// server (metric names, label names and values, functions) and linting. Enter runs the query; Shift+Enter adds a line.

import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, insertNewline } from '@codemirror/commands';
import { HighlightStyle, bracketMatching, syntaxHighlighting } from '@codemirror/language';
import { lintKeymap } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';

const highlight = HighlightStyle.define([
  { tag: tags.number, color: 'var(--hl-number)' },
  { tag: tags.string, color: 'var(--hl-string)' },
  { tag: tags.keyword, color: 'var(--hl-keyword)', fontWeight: 'bold' },
  { tag: tags.function(tags.variableName), color: 'var(--hl-function)' },
  { tag: tags.labelName, color: 'var(--hl-label)' },
  { tag: tags.operator, color: 'var(--hl-operator)' },
  { tag: tags.modifier, color: 'var(--hl-keyword)', fontWeight: 'bold' },
  { tag: tags.operatorKeyword, color: 'var(--hl-keyword)', fontWeight: 'bold' },
  { tag: tags.logicOperator, color: 'var(--hl-keyword)', fontWeight: 'bold' },
  { tag: tags.comment, color: 'var(--fg-muted)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--danger)' },
]);

const editorTheme = EditorView.theme({
  '&': { backgroundColor: 'var(--bg-input)', color: 'var(--fg)', border: '1px solid var(--border)', borderRadius: '4px', fontSize: '14px' },
  '&.cm-focused': { outline: '2px solid var(--accent)', outlineOffset: '-1px' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '6px 0', caretColor: 'var(--fg)' },
  '.cm-scroller': { fontFamily: 'var(--mono)' },
  '.cm-tooltip': { backgroundColor: 'var(--bg-raised)', color: 'var(--fg)', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': { backgroundColor: 'var(--accent)', color: 'var(--accent-fg)' },
  '.cm-completionDetail': { color: 'var(--fg-muted)', marginLeft: '0.5em' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected] .cm-completionDetail': { color: 'inherit' },
  // Leave the typed text's underscores visible above the list.
  '.cm-tooltip.cm-tooltip-autocomplete': { marginTop: '4px' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--danger)' },
});

/** The completion client shared by every editor on the page (it caches metric names for a while). */
let shared: PromQLExtension | null = null;
function promql(): PromQLExtension {
  if (shared === null) {
    shared = new PromQLExtension().setComplete({
      remote: {
        url: window.location.origin,
        httpMethod: 'GET',
        cache: { maxAge: 60_000 },
        // A failed look-up only means fewer suggestions; the query itself reports its own errors.
        httpErrorHandler: () => undefined,
      },
      maxMetricsMetadata: 10_000,
    });
  }
  return shared;
}

export interface PromqlEditor {
  readonly view: EditorView;
  getValue(): string;
  setValue(expr: string): void;
  /** Replaces the selection (or inserts at the cursor) with `text`, and focuses the editor. */
  insert(text: string): void;
  destroy(): void;
}

/** Creates an editor in `parent`; `onRun` is called on Enter, `onChange` on every edit. */
export function createPromqlEditor(parent: HTMLElement, options: { value: string; onRun: () => void; onChange: (expr: string) => void }): PromqlEditor {
  const run = (): boolean => {
    options.onRun();
    return true;
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.value,
      extensions: [
        history(),
        closeBrackets(),
        bracketMatching(),
        autocompletion({ icons: false }),
        keymap.of([
          { key: 'Enter', run },
          { key: 'Shift-Enter', run: insertNewline },
          { key: 'Mod-Enter', run },
          ...closeBracketsKeymap,
          ...completionKeymap,
          ...historyKeymap,
          ...lintKeymap,
          ...defaultKeymap,
        ]),
        placeholder('Expression (press Shift+Enter for newlines)'),
        syntaxHighlighting(highlight),
        editorTheme,
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': 'PromQL expression' }),
        promql().asExtension(),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) options.onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(expr) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: expr } });
    },
    insert(text) {
      view.dispatch(view.state.replaceSelection(text));
      view.focus();
    },
    destroy: () => view.destroy(),
  };
}
