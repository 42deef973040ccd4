/*
 * Our extensions for the article body editor (django-prose-editor / Tiptap).
 * articles/editor.py loads this module through the widget's js_modules and
 * enables each export by name; articles/text.py's allow-list keeps all they write.
 *
 * - NoConvert, SourceScript: marks the script converter honours. <span translate="no">
 *   is shown as written in every script variant; <span lang="zh-Hant|zh-Hans"> names
 *   the script a passage is written in.
 * - ScriptAttributes: keeps lang/translate on blocks, so opening a body loses none.
 * - BodyCode, BodyHighlight, Abbreviation, HeaderScope, TableFigure: what the server
 *   keeps beyond the library's own nodes and marks (code inside links, <mark>,
 *   <abbr title>, <th scope>, a table with its caption). The server writes every
 *   body as this schema holds it (articles/body_reader.py, articles/body_schema.py),
 *   so opening and saving a body changes nothing.
 * - BodyImage, BodyFigure, BodyCaption: images from the image library (upload with
 *   required alt text, or an address), <img data-image="id">, optional <figcaption>.
 * - WordPaste: turns Word's clipboard HTML into plain structure (real lists, no junk).
 * - ChineseLabels: the toolbar and dialogs in Chinese.
 */
import {
  Caption,
  Code,
  canInsertNode,
  crel,
  Extension,
  Figure,
  Highlight,
  Image,
  Link,
  Mark,
  mergeAttributes,
  Node,
  Plugin,
  updateAttrsDialog,
} from "django-prose-editor/editor"

const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{1,8}){0,4}$/i
const TRANSLATE = /^(yes|no)$/i

/* Marks for the script converter */

// A toolbar button named by its visible label; the title explains it.
const textButton = (buttons, label, title) => {
  const button = buttons.text(label, title)
  button.setAttribute("aria-label", label)
  return button
}

export const NoConvert = Mark.create({
  name: "noConvert",
  inclusive: false,

  parseHTML() {
    return [{ tag: 'span[translate="no" i]', consuming: false }]
  },

  renderHTML() {
    return ["span", { translate: "no" }, 0]
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "noConvert",
      groups: "conversion",
      button: textButton(
        buttons,
        "不转换",
        "所选文字在任何文字版本中都保持原样（人名、品牌、引文）",
      ),
      command: (editor) => editor.chain().focus().toggleMark("noConvert").run(),
      enabled: (editor) =>
        !editor.state.selection.empty || editor.isActive("noConvert"),
      active: (editor) => editor.isActive("noConvert"),
    })
  },
})

export const SourceScript = Mark.create({
  name: "sourceScript",
  inclusive: false,

  addAttributes() {
    return {
      lang: {
        default: null,
        parseHTML: (element) => element.getAttribute("lang"),
        renderHTML: (attributes) => ({ lang: attributes.lang }),
      },
    }
  },

  parseHTML() {
    return [
      {
        tag: "span[lang]",
        consuming: false,
        getAttrs: (element) =>
          LANGUAGE_TAG.test(element.getAttribute("lang")) ? null : false,
      },
    ]
  },

  renderHTML({ HTMLAttributes }) {
    return ["span", HTMLAttributes, 0]
  },

  addMenuItems({ buttons, menu }) {
    const scripts = [
      ["zh-Hant", "繁體原文", "所选文字是用繁體写的，转换时按繁體原文处理"],
      ["zh-Hans", "简体原文", "所选文字是用简体写的，转换时按简体原文处理"],
    ]
    for (const [lang, label, title] of scripts) {
      menu.defineItem({
        name: `sourceScript:${lang}`,
        groups: "conversion",
        button: textButton(buttons, label, title),
        command(editor) {
          const chain = editor.chain().focus().extendMarkRange("sourceScript")
          if (editor.isActive("sourceScript", { lang })) {
            chain.unsetMark("sourceScript").run()
          } else {
            chain.setMark("sourceScript", { lang }).run()
          }
        },
        enabled: (editor) =>
          !editor.state.selection.empty || editor.isActive("sourceScript"),
        active: (editor) => editor.isActive("sourceScript", { lang }),
      })
    }
  },
})

const optionalAttribute = (name, pattern, normalise = (value) => value) => ({
  default: null,
  keepOnSplit: false,
  parseHTML: (element) => {
    const value = element.getAttribute(name)
    return value && pattern.test(value) ? normalise(value) : null
  },
  renderHTML: (attributes) =>
    attributes[name] ? { [name]: attributes[name] } : {},
})

export const ScriptAttributes = Extension.create({
  name: "scriptAttributes",

  addGlobalAttributes() {
    return [
      {
        types: [
          "paragraph",
          "heading",
          "blockquote",
          "bulletList",
          "orderedList",
          "listItem",
          "tableHeader",
          "tableCell",
          "codeBlock",
        ],
        attributes: {
          lang: optionalAttribute("lang", LANGUAGE_TAG),
          translate: optionalAttribute("translate", TRANSLATE, (value) =>
            value.toLowerCase(),
          ),
        },
      },
    ]
  },
})

/* Text marks beyond bold and italic */

// Tiptap's code mark excludes every other mark, which drops the link from
// <a href><code>…</code></a>; ours sits with any of them.
export const BodyCode = Code.extend({ excludes: "" })

export const BodyHighlight = Highlight.extend({
  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "highlight",
      groups: "marks",
      button: textButton(buttons, "标记", "突出显示所选文字（<mark>）"),
      command: (editor) => editor.chain().focus().toggleMark("highlight").run(),
      enabled: (editor) => editor.can().toggleMark("highlight"),
      active: (editor) => editor.isActive("highlight"),
    })
  },
})

// An abbreviation with its expansion in title (<abbr title="世界贸易组织">WTO</abbr>).
const abbreviationDialog = updateAttrsDialog(
  { title: { type: "string", title: "全称" } },
  { title: "缩写" },
)

export const Abbreviation = Mark.create({
  name: "abbr",
  inclusive: false,

  addAttributes() {
    return {
      title: { default: null, parseHTML: (element) => element.getAttribute("title") },
    }
  },

  parseHTML() {
    return [
      {
        tag: "abbr[title]",
        getAttrs: (element) => (element.getAttribute("title").trim() ? null : false),
      },
    ]
  },

  renderHTML({ HTMLAttributes }) {
    return ["abbr", HTMLAttributes, 0]
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "abbr",
      groups: "marks",
      button: textButton(buttons, "缩写", "所选文字是缩写，填写它的全称，读者指向时可见"),
      command(editor) {
        const current = editor.getAttributes("abbr").title || ""
        abbreviationDialog(editor, { title: current }).then((attrs) => {
          if (!attrs) return
          const chain = editor.chain().focus().extendMarkRange("abbr")
          const title = attrs.title.trim()
          if (title) chain.setMark("abbr", { title }).run()
          else chain.unsetMark("abbr").run()
        })
      },
      enabled: (editor) => !editor.state.selection.empty || editor.isActive("abbr"),
      active: (editor) => editor.isActive("abbr"),
    })
  },
})

/* Tables */

// The kind of header a <th> is (column or row), for screen readers.
export const HeaderScope = Extension.create({
  name: "headerScope",

  addGlobalAttributes() {
    return [
      {
        types: ["tableHeader"],
        attributes: {
          scope: optionalAttribute("scope", /^(row|col|rowgroup|colgroup)$/i, (value) =>
            value.toLowerCase(),
          ),
        },
      },
    ]
  },
})

// A table with its caption: <figure><figcaption>…</figcaption><table>…</table></figure>.
// A <caption> inside the table would break the table plugin's row map, so the
// caption sits beside the table in a figure.
export const TableFigure = Node.create({
  name: "tableFigure",
  group: "block",
  content: "caption table",
  isolating: true,

  parseHTML() {
    return [
      {
        tag: "figure",
        priority: 60,
        getAttrs: (element) => (element.querySelector(":scope > table") ? null : false),
      },
    ]
  },

  renderHTML() {
    return ["figure", 0]
  },

  addCommands() {
    return {
      toggleTableCaption:
        () =>
        ({ state, tr, dispatch, commands }) => {
          const { $from } = state.selection
          for (const name of ["tableFigure", "table"]) {
            for (let depth = $from.depth; depth > 0; depth--) {
              const node = $from.node(depth)
              if (node.type.name !== name) continue
              if (!dispatch) return true
              const pos = $from.before(depth)
              const end = pos + node.nodeSize
              if (name === "tableFigure") {
                tr.replaceWith(pos, end, node.lastChild)
                return true
              }
              const { caption, tableFigure } = state.schema.nodes
              tr.replaceWith(pos, end, tableFigure.create(null, [caption.create(), node]))
              return commands.setTextSelection(pos + 2)
            }
          }
          return false
        },
    }
  },

  addMenuItems({ buttons, menu }) {
    menu.defineItem({
      name: "tableCaption",
      groups: "table",
      button: textButton(buttons, "表格标题", "在表格上方添加或删除标题"),
      command: (editor) => editor.chain().focus().toggleTableCaption().run(),
      hidden: (editor) => !editor.isActive("table") && !editor.isActive("tableFigure"),
      active: (editor) => editor.isActive("tableFigure"),
    })
  },
})

/* Links */

// The sanitiser gives every link rel="noopener noreferrer" (after its other
// attributes); the editor writes links the same way, so a saved body is unchanged.
export const BodyLink = Link.extend({
  addOptions() {
    // Without rel here, rel is rendered last, where the sanitiser puts it.
    return { ...this.parent?.(), HTMLAttributes: { target: null, class: null } }
  },

  addAttributes() {
    const { rel: _rel, ...attributes } = this.parent?.() ?? {}
    return {
      ...attributes,
      rel: {
        default: null,
        parseHTML: () => null,
        renderHTML: () => ({ rel: "noopener noreferrer" }),
      },
    }
  },
})

/* Images */

const digits = (value) => (/^\d+$/.test(value ?? "") ? value : null)

const enclosingLink = (element, name) => {
  const link = element.parentElement?.closest("a[href]")
  return (link?.getAttribute("href") && link.getAttribute(name)) || null
}

export const BodyImage = Image.extend({
  addAttributes() {
    // The library's own "file" reference (data-file) is replaced by data-image.
    const { file: _file, ...attributes } = this.parent?.() ?? {}
    return {
      ...attributes,
      width: { default: null, parseHTML: (el) => digits(el.getAttribute("width")) },
      height: { default: null, parseHTML: (el) => digits(el.getAttribute("height")) },
      image: {
        default: null,
        parseHTML: (element) => digits(element.getAttribute("data-image")),
        renderHTML: (attributes) =>
          attributes.image ? { "data-image": attributes.image } : {},
      },
      // An image inside a link (to its full size, say) keeps the link; an image is a
      // block, so the link mark cannot hold it.
      href: { default: null, rendered: false, parseHTML: (el) => enclosingLink(el, "href") },
      target: { default: null, rendered: false, parseHTML: (el) => enclosingLink(el, "target") },
    }
  },

  renderHTML({ node, HTMLAttributes }) {
    const image = ["img", mergeAttributes(this.options.HTMLAttributes, HTMLAttributes)]
    if (!node.attrs.href) return image
    const { href, target } = node.attrs
    return ["a", { ...(target ? { target } : {}), href, rel: "noopener noreferrer" }, image]
  },
})

export const BodyCaption = Caption.extend({
  addAttributes() {
    return {}
  },
})

const selectedImage = ({ selection }) => {
  const { $from } = selection
  for (let depth = $from.depth; depth > 0; depth--) {
    const node = $from.node(depth)
    if (node.type.name !== "figure") continue
    const start = $from.start(depth)
    const info = { figurePos: $from.before(depth), figure: node }
    node.forEach((child, offset) => {
      if (child.type.name === "image") {
        info.image = child
        info.imagePos = start + offset
      } else if (child.type.name === "caption") {
        info.caption = child
      }
    })
    return info
  }
  if (selection.node?.type.name === "image") {
    return { image: selection.node, imagePos: selection.from }
  }
  return null
}

const csrfToken = (editor) => {
  const form = editor.options.element.closest("form")
  const field = form?.querySelector("[name=csrfmiddlewaretoken]")
  if (field) return field.value
  const cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
  return cookie ? decodeURIComponent(cookie[1]) : ""
}

// The size of the image at src, so the page can reserve its space; none if it will not load.
const naturalSize = (src) =>
  new Promise((resolve) => {
    const probe = new window.Image()
    probe.onload = () =>
      resolve({ width: String(probe.naturalWidth), height: String(probe.naturalHeight) })
    probe.onerror = () => resolve({ width: null, height: null })
    probe.src = src
  })

const upload = async (url, editor, file, alt, caption) => {
  const data = new FormData()
  data.append("image", file)
  data.append("alt", alt)
  data.append("caption", caption)
  let response
  try {
    response = await fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(editor), Accept: "application/json" },
    })
  } catch {
    throw new Error("上传失败：无法连接服务器，请稍后重试。")
  }
  let answer = null
  try {
    answer = await response.json()
  } catch {
    answer = null
  }
  if (response.status !== 201 || !answer?.src) {
    throw new Error(answer?.error || `上传失败（HTTP ${response.status}）。`)
  }
  return {
    src: answer.src,
    alt: answer.alt || alt,
    width: answer.width ? String(answer.width) : null,
    height: answer.height ? String(answer.height) : null,
    image: answer.id != null ? String(answer.id) : null,
  }
}

const field = (text, input, help = "") => {
  const label = crel("label", { htmlFor: input.id, textContent: text })
  if (help) label.append(crel("span", { className: "prose-editor-help", textContent: help }))
  return crel("div", { className: "prose-editor-dialog-field" }, [label, input])
}

let dialogCount = 0

/* The image dialog: upload a file (alt text required) or give an address. */
const imageDialog = (editor, { uploadUrl, current }) =>
  new Promise((resolve) => {
    const id = (name) => `body-image-${dialogCount}-${name}`
    dialogCount += 1
    const file = crel("input", {
      id: id("file"),
      name: "image",
      type: "file",
      accept: "image/jpeg,image/png,image/gif,image/webp",
    })
    const src = crel("input", {
      id: id("src"),
      name: "src",
      type: "text",
      size: 50,
      value: current?.src || "",
    })
    const alt = crel("input", {
      id: id("alt"),
      name: "alt",
      type: "text",
      size: 50,
      required: true,
      value: current?.alt || "",
    })
    const caption = crel("input", { id: id("caption"), name: "caption", type: "text", size: 50 })
    const error = crel("p", { className: "body-image-error", role: "alert" })
    const submit = crel("button", { type: "submit", textContent: current ? "更新" : "插入" })
    const cancel = crel("button", { type: "button", textContent: "取消" })

    const fields = []
    if (uploadUrl) {
      fields.push(field("上传图片", file, "JPEG、PNG、GIF 或 WebP，上传后存入图片库"))
    }
    fields.push(
      field(uploadUrl ? "或填写图片网址" : "图片网址", src),
      field("替代文字（必填）", alt, "描述图片内容，供读屏软件和图片无法显示时使用"),
    )
    if (!current?.hasCaption) fields.push(field("图片说明（可选）", caption))

    const form = crel("form", {}, [
      crel("h3", {
        className: "prose-editor-dialog-title",
        textContent: current ? "编辑图片" : "插入图片",
      }),
      ...fields,
      error,
      crel("div", { className: "prose-editor-dialog-buttons" }, [submit, cancel]),
    ])
    const dialog = crel("dialog", { className: "prose-editor-dialog body-image-dialog" }, [form])
    const wrapper = crel("div", {}, [dialog])
    editor.view.dom.parentElement.append(wrapper)

    let result = null
    cancel.addEventListener("click", () => dialog.close())
    dialog.addEventListener("close", () => {
      wrapper.remove()
      resolve(result)
    })
    form.addEventListener("submit", async (event) => {
      event.preventDefault()
      error.textContent = ""
      if (!form.reportValidity()) return
      const text = alt.value.trim()
      const note = caption.value.trim()
      if (!text) {
        error.textContent = "请填写替代文字，描述图片内容。"
        return
      }
      const chosen = file.files?.[0]
      const address = src.value.trim()
      if (!chosen && !address) {
        error.textContent = uploadUrl
          ? "请选择要上传的图片，或填写图片网址。"
          : "请填写图片网址。"
        return
      }
      submit.disabled = true
      try {
        if (chosen) {
          result = await upload(uploadUrl, editor, chosen, text, note)
        } else if (address === current?.src) {
          result = { src: address, alt: text }
        } else {
          result = { src: address, alt: text, image: null, ...(await naturalSize(address)) }
        }
        result.caption = note
        dialog.close()
      } catch (problem) {
        error.textContent = problem.message
        submit.disabled = false
      }
    })
    dialog.showModal()
  })

export const BodyFigure = Figure.extend({
  addOptions() {
    return { ...this.parent?.(), uploadUrl: null }
  },

  addAttributes() {
    return {}
  },

  addCommands() {
    return {
      ...this.parent?.(),
      editImage:
        () =>
        ({ editor, state, dispatch }) => {
          const info = selectedImage(state)
          if (!dispatch) return !!info || canInsertNode(state, state.schema.nodes.image)
          const current = info && {
            src: info.image.attrs.src,
            alt: info.image.attrs.alt,
            hasCaption: !!info.caption,
          }
          imageDialog(editor, { uploadUrl: this.options.uploadUrl, current }).then(
            (result) => {
              if (!result) return
              const { caption, ...attrs } = result
              if (info) {
                let chain = editor
                  .chain()
                  .focus()
                  .setNodeSelection(info.imagePos)
                  .updateAttributes("image", attrs)
                if (caption && !info.caption) {
                  chain = chain.command(({ tr, state: { schema } }) => {
                    const image = tr.doc.nodeAt(info.imagePos)
                    const end = info.imagePos + image.nodeSize
                    const node = schema.nodes.caption.create(null, schema.text(caption))
                    if (info.figure) tr.insert(end, node)
                    else tr.replaceWith(info.imagePos, end, schema.nodes.figure.create(null, [image, node]))
                    return true
                  })
                }
                chain.run()
                return
              }
              const image = { type: "image", attrs }
              const content = caption
                ? {
                    type: "figure",
                    content: [image, { type: "caption", content: [{ type: "text", text: caption }] }],
                  }
                : image
              editor.chain().focus().insertContent(content).run()
            },
          )
          return true
        },
    }
  },
})

/* Word paste */

const WORD = /class="?Mso|urn:schemas-microsoft-com|<o:p|mso-/i
const ORDERED_MARKER = /^[\s\u00a0]*[(（]?(\d+|[a-z]|[ivxlc]+|[一二三四五六七八九十]+)[.)、．）]/i

// "mso-list:l1 level2 lfo2": list l1, second level.
const listPosition = (paragraph) => {
  const style = paragraph.getAttribute("style") || ""
  const match = style.match(/mso-list:\s*(l\d+)\s+level(\d+)/i)
  return match ? { list: match[1], level: Number(match[2]) } : null
}

/* Word writes lists as paragraphs with an mso-list style and a typed marker. */
const rebuildWordLists = (body) => {
  let stack = []
  let previous = null
  let current = null
  for (const paragraph of [...body.querySelectorAll("p")]) {
    const position = listPosition(paragraph)
    if (!position) continue
    const { list: id, level } = position
    const marker = paragraph.querySelector('span[style*="mso-list:Ignore" i]')
    const ordered = ORDERED_MARKER.test(marker?.textContent || "")
    marker?.remove()
    if (paragraph.previousElementSibling !== previous || id !== current) stack = []
    current = id
    while (stack.length && stack.at(-1).level > level) stack.pop()
    if (!stack.length || stack.at(-1).level < level) {
      const list = paragraph.ownerDocument.createElement(ordered ? "ol" : "ul")
      if (stack.length) {
        const parent = stack.at(-1).list
        ;(parent.lastElementChild || parent).append(list)
      } else {
        paragraph.before(list)
        previous = list
      }
      stack.push({ level, list })
    }
    const item = paragraph.ownerDocument.createElement("li")
    item.append(...paragraph.childNodes)
    stack.at(-1).list.append(item)
    paragraph.remove()
  }
}

export const cleanPastedHTML = (html) => {
  const doc = new DOMParser().parseFromString(html, "text/html")
  const body = doc.body
  if (WORD.test(html)) {
    rebuildWordLists(body)
    for (const element of body.querySelectorAll("o\\:p")) {
      if (!element.textContent.replace(/[\s\u00a0]/g, "")) element.remove()
    }
    // Word spaces paragraphs with empty ones.
    for (const paragraph of body.querySelectorAll("p")) {
      if (!paragraph.textContent.replace(/[\s\u00a0]/g, "") && !paragraph.querySelector("img")) {
        paragraph.remove()
      }
    }
    // Word stamps every run with the keyboard's language; it says nothing about the text.
    for (const element of body.querySelectorAll("[lang]")) element.removeAttribute("lang")
  }
  // A body's headings start at h2 (the title is the page's h1) and end at h4,
  // as the server keeps them.
  for (const heading of body.querySelectorAll("h1, h5, h6")) {
    const renamed = doc.createElement(heading.localName === "h1" ? "h2" : "h4")
    renamed.append(...heading.childNodes)
    heading.replaceWith(renamed)
  }
  // A table's <caption> becomes the caption of a table figure.
  for (const caption of body.querySelectorAll("table > caption")) {
    const table = caption.parentElement
    const figure = doc.createElement("figure")
    const figcaption = doc.createElement("figcaption")
    figcaption.append(...caption.childNodes)
    caption.remove()
    table.replaceWith(figure)
    figure.append(figcaption, table)
  }
  return body.innerHTML
}

export const WordPaste = Extension.create({
  name: "wordPaste",

  addProseMirrorPlugins() {
    return [new Plugin({ props: { transformPastedHTML: cleanPastedHTML } })]
  },
})

/* Chinese labels for the library's toolbar and dialogs */

const TITLES = {
  heading2: "二级标题",
  heading3: "三级标题",
  heading4: "四级标题",
  paragraph: "正文段落",
  bulletList: "无序列表",
  orderedList: "有序列表",
  orderedListProperties: "列表设置",
  blockquote: "引文",
  horizontalRule: "分隔线",
  figure: "图片",
  bold: "粗体",
  italic: "斜体",
  code: "代码（原样显示）",
  codeBlock: "代码块",
  underline: "下划线",
  strike: "删除线",
  subscript: "下标",
  superscript: "上标",
  link: "链接",
  unlink: "取消链接",
  table: "插入表格",
  "table:addColumnAfter": "右侧插入列",
  "table:deleteColumn": "删除列",
  "table:addRowAfter": "下方插入行",
  "table:deleteRow": "删除行",
  "table:mergeCells": "合并单元格",
  "table:splitCell": "拆分单元格",
  "table:toggleHeaderCell": "切换表头单元格",
  "table:deleteTable": "删除表格",
  "history:undo": "撤销",
  "history:redo": "重做",
  html: "编辑 HTML",
  fullscreen: "全屏",
}

const STRINGS = {
  "Add caption": "添加图片说明",
  "Remove caption": "删除图片说明",
  Cancel: "取消",
  Update: "更新",
  Insert: "插入",
  URL: "网址",
  Title: "提示文字",
  "Open in new window": "在新窗口打开",
  "Edit Link": "编辑链接",
  Rows: "行数",
  Columns: "列数",
  "Include header row": "包含表头行（Yes 为是）",
  "Table Properties": "表格",
  "Insert Table": "插入表格",
  "Edit HTML": "编辑 HTML",
  Prettify: "整理格式",
  "The HTML contents of the editor. Note that the allowed HTML is restricted by the editor schema.":
    "编辑器中的 HTML。只有编辑器支持的标签和属性会被保留。",
  "List properties": "列表设置",
  "Start at": "起始编号",
  "List type": "编号样式",
  "Toggle fullscreen": "全屏",
}

export const ChineseLabels = Extension.create({
  name: "chineseLabels",
  // Last, so every other extension has defined its menu items.
  priority: 1,

  onBeforeCreate() {
    // The library's dialogs call the admin's JavaScript catalogue (jsi18n).
    const catalog = window.django?.catalog
    if (catalog) {
      for (const [msgid, text] of Object.entries(STRINGS)) {
        if (!(msgid in catalog)) catalog[msgid] = text
      }
    }
  },

  addMenuItems({ menu }) {
    for (const item of menu.items(
      "blockType lists nodes marks link table history utility",
    )) {
      const title = TITLES[item.name]
      if (!title) continue
      for (const element of [item.button, item.option]) {
        if (!element) continue
        element.title = title
        element.setAttribute("aria-label", title)
      }
      if (item.option) item.option.textContent = title
    }
    // The HTML source button would share the code mark's icon.
    const [source] = menu.items("utility").filter((item) => item.name === "html")
    if (source) {
      source.button.classList.remove("material-icons")
      source.button.textContent = "HTML"
    }
  },
})
