import {
  CommentRangeEnd,
  CommentRangeStart,
  CommentReference,
  HeadingLevel,
  type ICommentOptions,
  Paragraph,
  type ParagraphChild,
  TextRun,
} from "docx";
import type { ExportedThread } from "../domain/document-export";
import { sv } from "../reports/outline";
import type { Run } from "./blocks";
import { deletedPassage, resolvedLine } from "./document";

/** A passage's Word comments (a thread: its first comment and the replies under it). */
interface Mark {
  ids: number[];
  start: number;
  end: number;
}

export interface WordComments {
  /** For the Document's `comments`: every thread's comments, replies threaded (Word 2013+). */
  comments: ICommentOptions[];
  /** A run written by `write`, cut where a passage starts or ends, inside its comment ranges. */
  around(run: Run, write: (text: string) => ParagraphChild[]): ParagraphChild[];
  /** After the text: the threads whose passage is gone, each on the words it had. */
  trailing: Paragraph[];
}

const lines = (text: string) => text.split("\n").map((line) => new Paragraph({ text: line }));

/**
 * The passage narrowed to the text the file holds: a range may begin or end on a line's end,
 * where no run is; null when no run's text is inside it.
 */
function narrowed(range: { start: number; end: number }, runs: Run[]) {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const run of runs) {
    if (run.at === undefined) continue;
    const from = Math.max(run.at, range.start);
    const to = Math.min(run.at + run.text.length, range.end);
    if (from >= to) continue;
    start = Math.min(start, from);
    end = Math.max(end, to);
  }
  return start < end ? { start, end } : null;
}

const opening = (mark: Mark) => mark.ids.map((id) => new CommentRangeStart(id));
const closing = (mark: Mark) =>
  mark.ids.flatMap((id) => [
    new CommentRangeEnd(id),
    new TextRun({ children: [new CommentReference(id)] }),
  ]);

/**
 * The threads as Word comments on their passages in `runs` (every run of the content, in order).
 * Each comment keeps its author and time; a resolved thread is marked done and says when and by
 * whom, as its last line, for readers that do not show Word's done state.
 */
export function wordComments(threads: ExportedThread[], runs: Run[]): WordComments {
  const comments: ICommentOptions[] = [];
  const marks: Mark[] = [];
  const gone: { quote: string; mark: Mark }[] = [];
  for (const thread of threads) {
    const first = comments.length;
    thread.comments.forEach((comment, i) => {
      const last = i === thread.comments.length - 1;
      comments.push({
        id: first + i,
        author: comment.author,
        date: new Date(comment.createdAt),
        parentId: i > 0 ? first : undefined,
        resolved: thread.resolved !== null,
        children: [comment.body, ...(last ? resolvedLine(thread) : [])].flatMap(lines),
      });
    });
    const ids = thread.comments.map((_, i) => first + i);
    if (ids.length === 0) continue;
    const range = thread.range && narrowed(thread.range, runs);
    if (range) marks.push({ ids, ...range });
    else gone.push({ quote: thread.quote, mark: { ids, start: 0, end: 0 } });
  }

  function around(run: Run, write: (text: string) => ParagraphChild[]): ParagraphChild[] {
    const from = run.at;
    if (from === undefined || run.text === "" || marks.length === 0) return write(run.text);
    const to = from + run.text.length;
    const cuts = new Set([from, to]);
    for (const { start, end } of marks)
      for (const cut of [start, end]) if (cut > from && cut < to) cuts.add(cut);
    const points = [...cuts].sort((a, b) => a - b);
    return points.slice(1).flatMap((pieceEnd, i) => {
      const pieceStart = points[i];
      return [
        ...marks.filter((mark) => mark.start === pieceStart).flatMap(opening),
        ...write(run.text.slice(pieceStart - from, pieceEnd - from)),
        ...marks.filter((mark) => mark.end === pieceEnd).flatMap(closing),
      ];
    });
  }

  const trailing =
    gone.length === 0
      ? []
      : [
          new Paragraph({
            text: sv("documentExport.commentsOnDeletedText"),
            heading: HeadingLevel.HEADING_2,
          }),
          ...gone.map(
            ({ quote, mark }) =>
              new Paragraph({
                children: [...opening(mark), new TextRun(deletedPassage(quote)), ...closing(mark)],
              }),
          ),
        ];
  return { comments, around, trailing };
}
