// The row of classes: one image and one editable name each. Any change marks the taught set
// stale, so the next Classify teaches again first.
export const CLASSES_JS = `
function createClasses(list, count, max, onChange) {
  var items = []
  var nextId = 1
  function render() {
    list.textContent = ''
    items.forEach(function (item, i) {
      var li = el('li')
      var img = el('img')
      img.src = item.image
      img.alt = 'Example ' + (i + 1)
      var inputId = 'class-' + item.id
      var label = el('label', 'Name of class ' + (i + 1))
      label.htmlFor = inputId
      var input = el('input')
      input.id = inputId
      input.value = item.label
      input.maxLength = Number(document.querySelector('main').dataset.maxLabel || 64)
      input.autocomplete = 'off'
      input.addEventListener('input', function () { item.label = input.value; onChange() })
      var remove = el('button', 'Remove')
      remove.type = 'button'
      remove.setAttribute('aria-label', 'Remove class ' + (i + 1))
      remove.addEventListener('click', function () {
        items.splice(items.indexOf(item), 1)
        render()
        onChange()
      })
      li.append(img, label, input, remove)
      list.append(li)
    })
    count.textContent = '(' + items.length + ' of ' + max + ')'
  }
  render()
  return {
    items: function () { return items.slice() },
    add: function (label, image) {
      if (items.length >= max) throw new UiError('At most ' + max + ' classes.')
      items.push({ id: nextId++, label: label, image: image })
      render()
      onChange()
    },
    clear: function () { items = []; render(); onChange() },
  }
}
function el(tag, text) {
  var e = document.createElement(tag)
  if (text !== undefined) e.textContent = text
  return e
}
`
