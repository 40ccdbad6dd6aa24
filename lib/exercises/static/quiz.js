// The self-check forms' script (lib.exercises.quiz inlines it with each form). Everything is defined
// once per page (window.courseQuiz, a newer version replacing an older one); each output only marks
// its forms ready. Listeners sit on the document, so a form answers however and whenever it was added.
(function () {
  var VERSION = 3;
  if (window.courseQuiz && window.courseQuiz.version >= VERSION) { window.courseQuiz.init(); return; }
  var Q = {version: VERSION};
  window.courseQuiz = Q;

  function decode(text) {
    var bytes = atob(text), codes = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) codes[i] = bytes.charCodeAt(i);
    return JSON.parse(new TextDecoder().decode(codes));
  }
  function data(form) {
    if (!form.courseQuizData) form.courseQuizData = decode(form.getAttribute('data-quiz'));
    return form.courseQuizData;
  }
  function plain(root) {
    root.querySelectorAll('span.math[data-plain]').forEach(function (span) {
      if (!span.querySelector('mjx-container, .MathJax, .katex, svg')) span.textContent = span.getAttribute('data-plain');
    });
  }
  function untab(root) {
    // MathJax puts every formula in the tab order (for its menu); inside a form that would stand
    // between the controls. The formulas stay readable: the controls carry plain-text names.
    root.querySelectorAll('mjx-container[tabindex]:not([tabindex="-1"])').forEach(function (m) {
      m.setAttribute('tabindex', '-1');
    });
  }
  function keepUntabbed(form) {
    // MathJax typesets the form's formulas on its own schedule (on the page, in JupyterLab) and
    // may render them again later: whenever a formula enters the tab order, take it out.
    untab(form);
    if (!window.MutationObserver) return;
    new MutationObserver(function () {
      if (form.querySelector('mjx-container[tabindex]:not([tabindex="-1"])')) untab(form);
    }).observe(form, {subtree: true, childList: true, attributes: true, attributeFilter: ['tabindex']});
  }
  function typeset(root) {
    var mj = window.MathJax;
    if (mj && mj.typesetPromise) {
      (mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve())
        .then(function () { return mj.typesetPromise([root]); })
        .catch(function () { plain(root); });
    } else if (mj && mj.Hub && mj.Hub.Queue) {
      mj.Hub.Queue(['Typeset', mj.Hub, root]);
    } else {
      plain(root);
    }
  }
  function say(form, state, html) {
    var box = form.querySelector('.course-quiz-feedback');
    box.setAttribute('data-state', state);
    box.innerHTML = html;
    typeset(box);
  }
  function parse(text) {
    var s = String(text).trim().replace(/[\u2212\u2013]/g, '-').replace(/\s+/g, '');
    var scale = 1;
    if (/%$/.test(s)) { scale = 0.01; s = s.slice(0, -1); }
    if (/^[-+]?\d+,\d+$/.test(s)) s = s.replace(',', '.');
    var num = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?';
    var m = new RegExp('^(' + num + ')(?:/(' + num + '))?$', 'i').exec(s);
    if (!m) return NaN;
    var value = parseFloat(m[1]) / (m[2] === undefined ? 1 : parseFloat(m[2]));
    return value * scale;
  }
  function formatNumber(v, digits) {
    // A number as lib.tables.format_number writes it: Python's '%.<digits>g' (halves to even, on the
    // number's exact value), without trailing zeros.
    if (isNaN(v)) return 'nan';
    if (!isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (v === 0) return '0';
    // 40 digits past the kept ones show whether the rest is exactly a half (no double lies closer
    // to a half than that without being one)
    var long = Math.abs(v).toExponential(digits - 1 + 40).split('e');
    var all = long[0].replace('.', ''), exponent = Number(long[1]);
    var kept = all.slice(0, digits), rest = all.slice(digits);
    var half = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
    if (rest[0] > '5' || (rest[0] === '5' && !half) || (half && Number(kept[digits - 1]) % 2 === 1)) {
      kept = String(Number(kept) + 1);                 // at most 15 digits: exact
      if (kept.length > digits) { kept = kept.slice(0, digits); exponent += 1; }
    }
    var text;
    if (exponent < -4 || exponent >= digits) {
      var mantissa = kept[0] + (digits > 1 ? '.' + kept.slice(1) : '');
      var e = Math.abs(exponent);
      text = trim(mantissa) + 'e' + (exponent < 0 ? '-' : '+') + (e < 10 ? '0' : '') + e;
    } else if (exponent < 0) {
      text = trim('0.' + '0'.repeat(-exponent - 1) + kept);
    } else {
      text = trim(kept.slice(0, exponent + 1) + '.' + kept.slice(exponent + 1));
    }
    return (v < 0 ? '-' : '') + text;
  }
  function trim(t) { return t.indexOf('.') < 0 ? t : t.replace(/0+$/, '').replace(/\.$/, ''); }
  function about(x) { return x >= 10 ? Math.round(x) : Math.round(x * 10) / 10; }
  function howFar(given, answer) {
    // Which way and roughly how far, never the answer: lib.exercises.how_far, word for word.
    var direction = given > answer ? 'too high' : 'too low';
    if (answer === 0) return direction + ', by ' + formatNumber(Math.abs(given), 2);
    if (given === 0) return direction + ' (you gave 0)';
    var ratio = given / answer;
    if (ratio < 0) return 'of the wrong sign';
    if (ratio >= 2) return 'about ' + formatNumber(about(ratio), 15) + ' times too large';
    if (ratio <= 0.5) return 'about ' + formatNumber(about(1 / ratio), 15) + ' times too small';
    var percent = Math.abs(ratio - 1) * 100;
    var size = percent >= 1 ? formatNumber(Math.round(percent), 15) : formatNumber(percent, 1);
    return direction + ', by about ' + size + ' %';
  }
  Q.formatNumber = formatNumber;
  Q.howFar = howFar;
  function checkNumber(form, d) {
    var input = form.querySelector('input[name=answer]');
    var text = input.value.trim();
    if (!text) { say(form, 'wrong', 'Type a number first, then press Check.'); return; }
    var given = parse(text);
    if (!isFinite(given)) {
      say(form, 'wrong', 'Not a number I can read: type digits such as 0.25, -1.5 or 2e-3.');
      return;
    }
    if (Math.abs(given - d.answer) <= d.tolerance * (1 + 1e-9)) {
      say(form, 'correct', 'Correct: ' + d.display + '. ' + d.explanation);
      return;
    }
    var attempts = (form.courseQuizAttempts || 0) + 1;
    form.courseQuizAttempts = attempts;
    for (var i = 0; i < d.mistakes.length; i++) {
      if (Math.abs(given - d.mistakes[i][0]) <= d.tolerance * (1 + 1e-9)) {
        say(form, 'wrong', 'Not quite. ' + d.mistakes[i][1]);
        return;
      }
    }
    var hint = d.hints.length ? ' Hint: ' + d.hints[(attempts - 1) % d.hints.length] : '';
    say(form, 'wrong', 'Not quite: your answer is ' + howFar(given, d.answer) + '.' + hint);
  }
  function checkChoice(form, d) {
    var chosen = form.querySelector('input[name=choice]:checked');
    form.querySelectorAll('.course-quiz-options label').forEach(function (l) { l.removeAttribute('data-state'); });
    if (!chosen) { say(form, 'wrong', 'Choose one of the options first, then press Check.'); return; }
    var i = Number(chosen.value), right = i === d.correct;
    chosen.closest('label').setAttribute('data-state', right ? 'correct' : 'wrong');
    say(form, right ? 'correct' : 'wrong', (right ? 'Correct. ' : 'Not quite. ') + d.feedback[i]);
  }
  Q.check = function (form) {
    var d = data(form);
    if (d.kind === 'number') checkNumber(form, d); else checkChoice(form, d);
  };
  Q.reveal = function (form) {
    var d = data(form);
    say(form, 'revealed', 'The answer is ' + d.display + '. ' + d.explanation);
  };
  Q.init = function () {
    document.querySelectorAll('form.course-quiz:not(.is-ready)').forEach(function (form) {
      form.classList.add('is-ready');
      keepUntabbed(form);
      if (!window.MathJax) setTimeout(function () { plain(form); }, 1500);
    });
  };
  if (!window.courseQuizListening) {
    window.courseQuizListening = true;
    document.addEventListener('submit', function (event) {
      var form = event.target.closest && event.target.closest('form.course-quiz');
      if (!form) return;
      event.preventDefault();
      window.courseQuiz.check(form);
    });
    document.addEventListener('keydown', function (event) {
      // Enter in the number field checks it. (Browsers submit the form on Enter by themselves, but
      // not inside JupyterLab's output area, which takes the keypress.)
      if (event.key !== 'Enter' || event.isComposing) return;
      var input = event.target.closest && event.target.closest('form.course-quiz input[name=answer]');
      if (!input) return;
      event.preventDefault();
      window.courseQuiz.check(input.closest('form.course-quiz'));
    });
    document.addEventListener('click', function (event) {
      var button = event.target.closest && event.target.closest('form.course-quiz [data-action=reveal]');
      if (button) window.courseQuiz.reveal(button.closest('form.course-quiz'));
    });
  }
  Q.init();
})();
