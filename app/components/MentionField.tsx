import { useEffect, useRef, useState } from "react";
import type { MentionablePerson as Person } from "../../server/domain/mentions";
import { useT } from "../utils/i18n";
import { useMessage } from "./FormFields";

/** The "@" word being typed just before the caret, if any. */
function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|\s)@([\p{L}\p{M}'-]*(?: [\p{L}\p{M}'-]*)?)$/u.exec(before);
  if (!match) return null;
  return { start: before.length - match[2].length - 1, query: match[2] };
}

/**
 * A comment box where "@" and the start of a name suggests the organisation's people: the
 * suggestions are buttons below it (Arrow down reaches them, Escape returns), and choosing one
 * writes "@Name " into the text.
 */
export function MentionField({
  id,
  name,
  label,
  people,
  error,
  autoFocus,
  defaultValue = "",
}: {
  id: string;
  name: string;
  label: string;
  people: Person[];
  error?: string;
  autoFocus?: boolean;
  /** What the box holds at first (the text sent, when it came back with an error). */
  defaultValue?: string;
}) {
  const t = useT();
  const message = useMessage();
  const [value, setValue] = useState(defaultValue);
  const [mention, setMention] = useState<{ start: number; query: string } | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const query = mention?.query.toLocaleLowerCase("sv") ?? "";
  const suggestions = mention
    ? people
        .filter((p) =>
          p.name
            .toLocaleLowerCase("sv")
            .split(/\s+/)
            .some((_part, i, parts) => parts.slice(i).join(" ").startsWith(query)),
        )
        .slice(0, 6)
    : [];
  useEffect(() => {
    if (autoFocus) box.current?.focus();
  }, [autoFocus]);

  const choose = (person: Person) => {
    if (!mention) return;
    const caret = mention.start + 1 + mention.query.length;
    const next = `${value.slice(0, mention.start)}@${person.name} ${value.slice(caret)}`;
    setValue(next);
    setMention(null);
    const at = mention.start + person.name.length + 2;
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(at, at);
    });
  };
  const listId = `${id}-mentions`;
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {t("comments.mentionHint")}
      </p>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {message(error)}
        </p>
      )}
      <textarea
        ref={box}
        id={id}
        name={name}
        rows={3}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={[`${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ")}
        aria-controls={suggestions.length > 0 ? listId : undefined}
        onChange={(event) => {
          setValue(event.target.value);
          setMention(mentionAt(event.target.value, event.target.selectionStart));
        }}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && suggestions.length > 0) {
            event.preventDefault();
            list.current?.querySelector("button")?.focus();
          } else if (event.key === "Escape" && mention) {
            event.preventDefault();
            setMention(null);
          }
        }}
      />
      {suggestions.length > 0 && (
        <ul
          ref={list}
          id={listId}
          className="mention-suggestions"
          aria-label={t("comments.mentionSuggestions")}
        >
          {suggestions.map((person) => (
            <li key={person.id}>
              <button
                type="button"
                className="mention-option"
                onClick={() => choose(person)}
                onKeyDown={(event) => {
                  const item = event.currentTarget.parentElement;
                  if (event.key === "ArrowDown") {
                    event.preventDefault();
                    item?.nextElementSibling?.querySelector("button")?.focus();
                  } else if (event.key === "ArrowUp") {
                    event.preventDefault();
                    const previous = item?.previousElementSibling?.querySelector("button");
                    if (previous) previous.focus();
                    else box.current?.focus();
                  } else if (event.key === "Escape") {
                    event.preventDefault();
                    setMention(null);
                    box.current?.focus();
                  }
                }}
              >
                @{person.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
