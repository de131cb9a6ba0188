/// Everything that can go wrong while evaluating an expression.
/// Positions are 0-based indexes counted in `char`s, not bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    Empty,
    UnexpectedChar { pos: usize, ch: char },
    UnexpectedToken { pos: usize },
    UnexpectedEnd,
    DivisionByZero,
    NegativeExponent,
    Overflow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// `None` when the literal does not fit in i64 (reported at evaluation time).
    Num(Option<i64>),
    Op(char),
}

#[derive(Debug)]
enum Node {
    Num(Option<i64>),
    Neg(Box<Node>),
    Bin(char, Box<Node>, Box<Node>),
}

fn tokenize(expr: &str) -> Result<Vec<(usize, Tok)>, EvalError> {
    let chars: Vec<char> = expr.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            let mut value: Option<i64> = Some(0);
            while i < chars.len() && chars[i].is_ascii_digit() {
                let d = i64::from(chars[i] as u8 - b'0');
                value = value.and_then(|v| v.checked_mul(10)).and_then(|v| v.checked_add(d));
                i += 1;
            }
            toks.push((start, Tok::Num(value)));
        } else if "+-*/%^()".contains(c) {
            toks.push((i, Tok::Op(c)));
            i += 1;
        } else {
            return Err(EvalError::UnexpectedChar { pos: i, ch: c });
        }
    }
    if toks.is_empty() {
        return Err(EvalError::Empty);
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.at).map(|t| t.1)
    }

    fn peek_op(&self) -> Option<char> {
        match self.peek() {
            Some(Tok::Op(c)) => Some(c),
            _ => None,
        }
    }

    fn unexpected(&self) -> EvalError {
        match self.toks.get(self.at) {
            Some(&(pos, _)) => EvalError::UnexpectedToken { pos },
            None => EvalError::UnexpectedEnd,
        }
    }

    fn expression(&mut self) -> Result<Node, EvalError> {
        let mut left = self.term()?;
        while let Some(op @ ('+' | '-')) = self.peek_op() {
            self.at += 1;
            let right = self.term()?;
            left = Node::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Node, EvalError> {
        let mut left = self.unary()?;
        while let Some(op @ ('*' | '/' | '%')) = self.peek_op() {
            self.at += 1;
            let right = self.unary()?;
            left = Node::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, EvalError> {
        match self.peek_op() {
            Some('-') => {
                self.at += 1;
                Ok(Node::Neg(Box::new(self.unary()?)))
            }
            Some('+') => {
                self.at += 1;
                self.unary()
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<Node, EvalError> {
        let base = self.atom()?;
        if self.peek_op() == Some('^') {
            self.at += 1;
            let exponent = self.unary()?;
            return Ok(Node::Bin('^', Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Node, EvalError> {
        match self.peek() {
            Some(Tok::Num(v)) => {
                self.at += 1;
                Ok(Node::Num(v))
            }
            Some(Tok::Op('(')) => {
                self.at += 1;
                let inner = self.expression()?;
                if self.peek_op() != Some(')') {
                    return Err(self.unexpected());
                }
                self.at += 1;
                Ok(inner)
            }
            _ => Err(self.unexpected()),
        }
    }
}

fn checked_pow(mut base: i64, mut exp: i64) -> Option<i64> {
    let mut acc: i64 = 1;
    loop {
        if exp & 1 == 1 {
            acc = acc.checked_mul(base)?;
        }
        exp >>= 1;
        if exp == 0 {
            return Some(acc);
        }
        // At most 63 squarings. When the square overflows, the result does too: the
        // remaining exponent is at least 1 here, so |result| >= |base|^2 for |base| >= 2.
        base = base.checked_mul(base)?;
    }
}

fn eval(node: &Node) -> Result<i64, EvalError> {
    match node {
        Node::Num(v) => v.ok_or(EvalError::Overflow),
        Node::Neg(inner) => eval(inner)?.checked_neg().ok_or(EvalError::Overflow),
        Node::Bin(op, l, r) => {
            let a = eval(l)?;
            let b = eval(r)?;
            match op {
                '+' => a.checked_add(b).ok_or(EvalError::Overflow),
                '-' => a.checked_sub(b).ok_or(EvalError::Overflow),
                '*' => a.checked_mul(b).ok_or(EvalError::Overflow),
                '/' | '%' => {
                    if b == 0 {
                        return Err(EvalError::DivisionByZero);
                    }
                    let r = if *op == '/' { a.checked_div(b) } else { a.checked_rem(b) };
                    r.ok_or(EvalError::Overflow)
                }
                '^' => {
                    if b < 0 {
                        return Err(EvalError::NegativeExponent);
                    }
                    checked_pow(a, b).ok_or(EvalError::Overflow)
                }
                _ => unreachable!("parser only builds known operators"),
            }
        }
    }
}

/// Evaluates an integer arithmetic expression.
pub fn evaluate(expr: &str) -> Result<i64, EvalError> {
    let toks = tokenize(expr)?;
    let mut parser = Parser { toks, at: 0 };
    let tree = parser.expression()?;
    if parser.at < parser.toks.len() {
        return Err(parser.unexpected());
    }
    eval(&tree)
}
