/**
 * A page driven by running scripts in it, whatever the protocol underneath (WebDriver BiDi for
 * Firefox, raw CDP for Chromium where Playwright must stay out of the way). Subclasses supply one
 * primitive, `evaluate`; the helpers (call, waitFor, buttons, text) are written once here.
 */
export abstract class ScriptedPage {
  /** Evaluates `expression` (which yields a Promise of a string) in the page and returns the string. */
  protected abstract evaluate(expression: string): Promise<string>;

  /**
   * Runs `fn(arg)` in the page and returns its (awaited) result. `fn` travels as source text, so it
   * may use only its argument and the page's globals; values cross as JSON.
   */
  async call<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    const expression = `(async (json) => JSON.stringify((await (${fn.toString()})(JSON.parse(json))) ?? null))(${JSON.stringify(JSON.stringify(arg ?? null))})`;
    return JSON.parse(await this.evaluate(expression)) as R;
  }

  /** Polls `fn(arg)` until it returns something truthy, and returns that. */
  async waitFor<A, R>(fn: (arg: A) => R | Promise<R>, arg: A, what: string, timeoutMs = 10_000): Promise<NonNullable<R>> {
    const started = Date.now();
    let lastError: unknown = null;
    for (;;) {
      try {
        const value = await this.call(fn, arg);
        if (value) return value;
      } catch (error) {
        // A page that is still loading, or navigating, has no realm for a moment.
        lastError = error;
      }
      if (Date.now() - started > timeoutMs) {
        const text = await this.text().catch(() => '(unreadable)');
        throw new Error(
          `not within ${timeoutMs} ms: ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}\npage text:\n${text}`,
        );
      }
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  text(): Promise<string> {
    return this.call(() => document.body.innerText, null);
  }

  /** Waits until the page's visible text contains `text`. */
  async waitForText(text: string, timeoutMs = 10_000): Promise<void> {
    await this.waitFor((wanted) => document.body.innerText.includes(wanted), text, `the text "${text}"`, timeoutMs);
  }

  /** Waits for the enabled button whose text is `name` (inside `within`, a CSS selector, if given), then clicks it. */
  clickButton(name: string, within?: string): Promise<void> {
    return this.findButton(name, within, true);
  }

  /** Waits for the enabled button whose text is `name`. */
  waitForButton(name: string, within?: string): Promise<void> {
    return this.findButton(name, within, false);
  }

  /** The text of the first element matching `selector` once it matches `pattern`. */
  textMatching(selector: string, pattern: RegExp, what: string, timeoutMs = 10_000): Promise<string> {
    return this.waitFor(
      ({ selector, source, flags }) => {
        const text = document.querySelector(selector)?.textContent ?? '';
        return new RegExp(source, flags).test(text) ? text : null;
      },
      { selector, source: pattern.source, flags: pattern.flags },
      what,
      timeoutMs,
    );
  }

  private async findButton(name: string, within: string | undefined, click: boolean): Promise<void> {
    await this.waitFor(
      ({ name, within, click }) => {
        const scope = within ? document.querySelector(within) : document;
        const button = [...(scope?.querySelectorAll('button') ?? [])].find(
          (candidate) => candidate.textContent?.trim() === name && !candidate.disabled,
        );
        if (click) button?.click();
        return Boolean(button);
      },
      { name, within: within ?? null, click },
      `a "${name}" button${within ? ` in ${within}` : ''}`,
    );
  }
}
